package io.mdmsim.core.cms;

/**
 * A CMS/PKCS#7 or certificate operation failed; the message says what failed and, where it helps, what was expected
 * ("Mdm-Signature does not verify: content digest mismatch", "not a CMS SignedData: ...").
 */
public class CmsException extends RuntimeException {
    public CmsException(String message) {
        super(message);
    }

    public CmsException(String message, Throwable cause) {
        super(message, cause);
    }
}
