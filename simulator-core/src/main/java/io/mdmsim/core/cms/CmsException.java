package io.mdmsim.core.cms;

import io.mdmsim.core.pki.PkiException;

/**
 * A CMS/PKCS#7 operation failed; the message says what failed and, where it helps, what was expected
 * ("Mdm-Signature does not verify: content digest mismatch", "not a CMS SignedData: ..."). Certificate failures are
 * its superclass {@link PkiException}: catch that for "any CMS or certificate failure".
 */
public class CmsException extends PkiException {
    public CmsException(String message) {
        super(message);
    }

    public CmsException(String message, Throwable cause) {
        super(message, cause);
    }
}
