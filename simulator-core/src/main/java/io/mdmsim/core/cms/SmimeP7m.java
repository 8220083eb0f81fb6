package io.mdmsim.core.cms;

/**
 * The S/MIME file form of a DEP server token (.p7m, PROTOCOL.md §1.1): MIME headers, a blank line, then the DER
 * EnvelopedData in base64 lines of 76 characters.
 */
public final class SmimeP7m {
    private SmimeP7m() {}

    public static byte[] wrap(byte[] envelopedDer) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The DER EnvelopedData of an S/MIME .p7m text; CmsException naming what is wrong. */
    public static byte[] unwrap(byte[] smimeText) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
