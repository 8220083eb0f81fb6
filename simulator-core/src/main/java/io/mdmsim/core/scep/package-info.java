/**
 * SCEP (RFC 8894) messages: {@code Scep} builds and parses pkiMessages (PKCSReq, RenewalReq, CertRep SUCCESS, FAILURE,
 * PENDING) and makes the requester's CSR; {@code PkiMessageBuilder} writes them, {@code PkiMessageParser} reads them,
 * {@code ScepAttributes} holds their signed attributes; {@code PkiMessage}, {@code FailInfo}, {@code ScepException}.
 * Uses {@code cms}, {@code pki} and {@code error}.
 */
package io.mdmsim.core.scep;
