package io.mdmsim.core.dep;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.SmimeP7m;
import io.mdmsim.core.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The OAuth credentials inside a DEP server token ({@code *_Token_*.p7m}), Apple's "Examining server tokens":
 * {@code {"consumer_key":"CK_…","consumer_secret":"CS_…","access_token":"AT_…","access_secret":"AS_…",
 * "access_token_expiry":"2015-01-14T21:27:41Z"}}.
 *
 * @param accessTokenExpiry informational; may be null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerToken(String consumerKey, String consumerSecret, String accessToken, String accessSecret,
        Instant accessTokenExpiry) {

    static final String BEGIN = "-----BEGIN MESSAGE-----";
    static final String END = "-----END MESSAGE-----";
    private static final String MIME_HEADER =
            "Content-Type: text/plain;charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n";

    public ServerToken {
        requireNonNull(consumerKey, "consumerKey");
        requireNonNull(consumerSecret, "consumerSecret");
        requireNonNull(accessToken, "accessToken");
        requireNonNull(accessSecret, "accessSecret");
    }

    /** The token as JSON. */
    public String toJson() {
        return Json.writeString(this);
    }

    /**
     * The decrypted content of a token file: a MIME entity {@code text/plain;charset=UTF-8} whose body is the JSON
     * between {@code -----BEGIN MESSAGE-----} and {@code -----END MESSAGE-----}. The markers stand on their own lines,
     * as line-based readers of real tokens (nanodep {@code UnwrapTokenJSON}) expect.
     */
    public byte[] toMimeContent() {
        String content = MIME_HEADER + BEGIN + "\r\n" + toJson() + "\r\n" + END + "\r\n";
        return content.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the decrypted content of a token file: bare JSON, JSON wrapped in BEGIN/END MESSAGE markers, either with
     * or without the MIME header. {@link DepException} says what was wrong.
     */
    public static ServerToken fromMimeContent(byte[] decrypted) {
        requireNonNull(decrypted, "decrypted");
        String text = new String(decrypted, StandardCharsets.UTF_8);
        String json;
        int begin = text.indexOf(BEGIN);
        if (begin >= 0) {
            int end = text.indexOf(END, begin + BEGIN.length());
            if (end < 0) {
                throw new DepException("server token: " + BEGIN + " without " + END);
            }
            json = text.substring(begin + BEGIN.length(), end).strip();
        } else {
            json = text.strip();
            if (!json.startsWith("{")) {
                int blank = indexOfBlankLine(json);
                json = blank < 0 ? json : json.substring(blank).strip();
            }
        }
        if (!json.startsWith("{")) {
            throw new DepException("server token: no JSON object found (expected: {\"consumer_key\": ...}, "
                    + "optionally between " + BEGIN + " and " + END + " after a MIME header)");
        }
        return fromJson(json);
    }

    private static int indexOfBlankLine(String text) {
        int crlf = text.indexOf("\r\n\r\n");
        int lf = text.indexOf("\n\n");
        if (crlf >= 0 && (lf < 0 || crlf < lf)) {
            return crlf + 4;
        }
        return lf < 0 ? -1 : lf + 2;
    }

    /**
     * The token file ABM offers for download: S/MIME {@code smime.p7m} around a CMS EnvelopedData (AES-128-CBC, as in
     * Apple's sample) encrypted to the certificate the admin uploaded for the MDM server (Apple's "Examining server
     * tokens").
     */
    public byte[] toP7m(X509Certificate recipient) {
        requireNonNull(recipient, "recipient");
        return SmimeP7m.wrap(Cms.encrypt(toMimeContent(), recipient, ContentCipher.AES128_CBC));
    }

    /**
     * Reads a downloaded token file with the MDM server's certificate and key. A file that is not S/MIME, not
     * encrypted to {@code cert} or not decryptable with {@code key} is a {@code CmsException}; content that is not a
     * token is a {@link DepException}.
     */
    public static ServerToken fromP7m(byte[] p7m, X509Certificate cert, PrivateKey key) {
        requireNonNull(p7m, "p7m");
        return fromMimeContent(Cms.decrypt(SmimeP7m.unwrap(p7m), cert, key));
    }

    /** Reads the token JSON; every field but the expiry is required. */
    public static ServerToken fromJson(String json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new DepException("server token: invalid JSON " + Json.describe(e), e);
        }
        if (node == null || !node.isObject()) {
            throw new DepException("server token: not a JSON object");
        }
        String expiry = optionalText(node, "access_token_expiry");
        Instant expiryInstant = null;
        if (expiry != null) {
            try {
                expiryInstant = Instant.parse(expiry);
            } catch (DateTimeParseException e) {
                throw new DepException("server token: access_token_expiry: " + expiry
                        + " (expected: ISO-8601 UTC like 2015-01-14T21:27:41Z)", e);
            }
        }
        return new ServerToken(requiredText(node, "consumer_key"), requiredText(node, "consumer_secret"),
                requiredText(node, "access_token"), requiredText(node, "access_secret"), expiryInstant);
    }

    private static String requiredText(JsonNode node, String field) {
        String value = optionalText(node, field);
        if (value == null || value.isEmpty()) {
            throw new DepException("server token: missing " + field);
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new DepException("server token: " + field + " is " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + " (expected: a string)");
        }
        return value.asText();
    }

    /** Secrets are not printed. */
    @Override
    public String toString() {
        return "ServerToken[consumerKey=" + consumerKey + ", accessToken=" + accessToken + ", accessTokenExpiry="
                + accessTokenExpiry + "]";
    }
}
