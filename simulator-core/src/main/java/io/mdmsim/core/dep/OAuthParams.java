package io.mdmsim.core.dep;

import static java.util.Objects.requireNonNull;

/**
 * The parameters of an OAuth 1.0a {@code Authorization} header, percent-decoded.
 *
 * @param realm           may be null (not part of the signature)
 * @param version         may be null; "1.0" when present
 * @param timestamp       seconds since the epoch
 */
public record OAuthParams(String realm, String consumerKey, String token, String signatureMethod, String signature,
        long timestamp, String nonce, String version) {

    public OAuthParams {
        requireNonNull(consumerKey, "consumerKey");
        requireNonNull(token, "token");
        requireNonNull(signatureMethod, "signatureMethod");
        requireNonNull(signature, "signature");
        requireNonNull(nonce, "nonce");
    }
}
