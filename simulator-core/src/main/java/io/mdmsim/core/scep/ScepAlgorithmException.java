package io.mdmsim.core.scep;

import static java.util.Objects.requireNonNull;

/**
 * A pkiMessage whose signature verified but which uses a digest or content cipher this side does not support. It
 * carries the request as far as it was read (signer, transactionID, nonces; the digest of the reply to send set to
 * SHA-256), so that a server can answer a CertRep FAILURE with {@link FailInfo#BAD_ALG} as RFC 8894 §3.3.2.2 says,
 * rather than an HTTP error a SCEP client cannot read.
 */
public final class ScepAlgorithmException extends ScepException {

    private static final long serialVersionUID = 1L;

    private final transient PkiMessage request;

    public ScepAlgorithmException(String message, PkiMessage request) {
        super(message);
        this.request = requireNonNull(request, "request");
    }

    /** The request, to answer with a CertRep FAILURE badAlg. */
    public PkiMessage request() {
        return request;
    }
}
