package io.mdmsim.core.dep;

/**
 * An {@code Authorization: OAuth ...} header that cannot be used: missing, duplicated or unsupported parameters, an
 * unsupported signature method or version. Apple answers these with 400 (Apple's "Authenticating for Automated Device
 * Enrollment"); a signature that does not verify is not this exception but {@code false} from {@link OAuth1#verify}.
 */
public final class OAuthException extends DepException {

    public OAuthException(String message) {
        super(message);
    }
}
