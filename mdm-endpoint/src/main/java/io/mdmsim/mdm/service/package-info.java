/**
 * The MDM protocol behaviour behind the HTTP adapters: the {@code MdmService} interface (check-in messages and
 * command reports, with {@code MdmRequest} and {@code CheckinReply}) and its decorators, stacked in {@code
 * MdmServer}: {@code CertAuthMdmService} (identity certificate bound to one enrollment), {@code EventingMdmService}
 * (every request an event), {@code PolicyMdmService} (enrollment policy at an over-the-air Authenticate).
 *
 * <p>May use {@code enroll}, {@code device}, {@code queue}, {@code policy}, {@code events}, {@code model} and
 * simulator-core; never the HTTP adapters.
 */
package io.mdmsim.mdm.service;
