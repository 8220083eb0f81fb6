package io.mdmsim.core.cms;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The S/MIME file form of a DEP server token (.p7m; Apple's "Examining server tokens"): MIME headers,
 * a blank line, then the DER EnvelopedData in base64 lines of 76 characters. Lines end in CRLF (RFC 5751); unwrap
 * also takes LF.
 */
public final class SmimeP7m {
    private static final String CRLF = "\r\n";
    private static final String HEADERS = "Content-Type: application/pkcs7-mime; name=\"smime.p7m\"; smime-type=enveloped-data" + CRLF
            + "Content-Transfer-Encoding: base64" + CRLF
            + "Content-Disposition: attachment; filename=\"smime.p7m\"" + CRLF
            + "Content-Description: S/MIME Encrypted Message" + CRLF
            + CRLF;

    private SmimeP7m() {}

    public static byte[] wrap(byte[] envelopedDer) {
        requireNonNull(envelopedDer, "envelopedDer");
        String body = Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII)).encodeToString(envelopedDer);
        return (HEADERS + body + CRLF).getBytes(StandardCharsets.US_ASCII);
    }

    /** The DER EnvelopedData of an S/MIME .p7m text; CmsException naming what is wrong. */
    public static byte[] unwrap(byte[] smimeText) {
        requireNonNull(smimeText, "smimeText");
        String text = new String(smimeText, StandardCharsets.ISO_8859_1);
        if (text.isBlank()) {
            throw new CmsException("not an S/MIME .p7m: empty");
        }
        int crlf = text.indexOf("\r\n\r\n");
        int lf = text.indexOf("\n\n");
        int end;
        int bodyStart;
        if (crlf >= 0 && (lf < 0 || crlf < lf)) {
            end = crlf;
            bodyStart = crlf + 4;
        } else if (lf >= 0) {
            end = lf;
            bodyStart = lf + 2;
        } else {
            throw new CmsException("not an S/MIME .p7m: no blank line after the MIME headers"
                    + " (expected headers such as Content-Type: application/pkcs7-mime, a blank line, then base64)");
        }
        Map<String, String> headers = headers(text.substring(0, end));
        String contentType = headers.get("content-type");
        if (contentType == null) {
            throw new CmsException("not an S/MIME .p7m: no Content-Type header (expected: application/pkcs7-mime)");
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/pkcs7-mime") && !mediaType.equals("application/x-pkcs7-mime")) {
            throw new CmsException("not an S/MIME .p7m: Content-Type: " + contentType + " (expected: application/pkcs7-mime)");
        }
        String encoding = headers.get("content-transfer-encoding");
        if (encoding == null || !encoding.strip().equalsIgnoreCase("base64")) {
            throw new CmsException("not an S/MIME .p7m: Content-Transfer-Encoding: " + encoding + " (expected: base64)");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(text.substring(bodyStart).replaceAll("[\\s]+", ""));
        } catch (IllegalArgumentException e) {
            throw new CmsException("not an S/MIME .p7m: the body is not base64 (" + e.getMessage() + ")", e);
        }
        if (der.length == 0) {
            throw new CmsException("not an S/MIME .p7m: the body is empty (expected base64 of a CMS EnvelopedData)");
        }
        return der;
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> out = new LinkedHashMap<>();
        String last = null;
        for (String line : block.split("\r?\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && last != null) {
                out.merge(last, " " + line.strip(), String::concat);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new CmsException("not an S/MIME .p7m: \"" + (line.length() > 40 ? line.substring(0, 40) + "..." : line)
                        + "\" is not a MIME header line (expected Name: value)");
            }
            last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            out.put(last, line.substring(colon + 1).strip());
        }
        return out;
    }
}
