package io.mdmsim.core.dep;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * OAuth 1.0a with HMAC-SHA1 (RFC 5849) as the DEP {@code GET /session} call uses it (Apple's "Authenticating for
 * Automated Device Enrollment").
 *
 * <p>Signature base string (RFC 5849 §3.4.1): {@code METHOD&pct(base URI)&pct(normalized parameters)}, where the
 * parameters are the request's query parameters, any form-body parameters, and the {@code oauth_*} parameters except
 * {@code oauth_signature} and {@code realm}. Key: {@code pct(consumer_secret)&pct(access_secret)}.
 */
public final class OAuth1 {

    /** The realm Apple's DEP service uses. */
    public static final String REALM = "ADM";
    public static final String HMAC_SHA1 = "HMAC-SHA1";
    public static final String VERSION = "1.0";

    private static final Set<String> KNOWN = Set.of("realm", "oauth_consumer_key", "oauth_token",
            "oauth_signature_method", "oauth_signature", "oauth_timestamp", "oauth_nonce", "oauth_version");
    private static final List<String> REQUIRED = List.of("oauth_consumer_key", "oauth_token",
            "oauth_signature_method", "oauth_signature", "oauth_timestamp", "oauth_nonce");

    private OAuth1() {
    }

    /**
     * The {@code Authorization} header value for a DEP request signed with {@code token}: {@code OAuth realm="ADM",
     * oauth_consumer_key="..", oauth_token="..", oauth_signature_method="HMAC-SHA1", oauth_signature="..",
     * oauth_timestamp="..", oauth_nonce="..", oauth_version="1.0"}.
     */
    public static String authorizationHeader(String method, URI uri, ServerToken token, String nonce,
            long timestampSeconds) {
        requireNonNull(token, "token");
        requireNonNull(nonce, "nonce");
        if (nonce.isEmpty()) {
            throw new IllegalArgumentException("nonce: empty (expected: a unique, non-empty string)");
        }
        List<Map.Entry<String, String>> oauth = oauthParams(token.consumerKey(), token.accessToken(), nonce,
                timestampSeconds, VERSION);
        String signature = signature(method, uri, oauth, token.consumerSecret(), token.accessSecret());
        StringBuilder header = new StringBuilder("OAuth realm=\"").append(REALM).append('"');
        appendParam(header, "oauth_consumer_key", token.consumerKey());
        appendParam(header, "oauth_token", token.accessToken());
        appendParam(header, "oauth_signature_method", HMAC_SHA1);
        appendParam(header, "oauth_signature", signature);
        appendParam(header, "oauth_timestamp", Long.toString(timestampSeconds));
        appendParam(header, "oauth_nonce", nonce);
        appendParam(header, "oauth_version", VERSION);
        return header.toString();
    }

    /** A nonce of 16 random bytes in hex, from the caller's (seeded) generator. */
    public static String nonce(RandomGenerator random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void appendParam(StringBuilder header, String name, String value) {
        header.append(", ").append(name).append("=\"").append(percentEncode(value)).append('"');
    }

    private static List<Map.Entry<String, String>> oauthParams(String consumerKey, String token, String nonce,
            long timestamp, String version) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        params.add(new SimpleEntry<>("oauth_consumer_key", consumerKey));
        params.add(new SimpleEntry<>("oauth_token", token));
        params.add(new SimpleEntry<>("oauth_signature_method", HMAC_SHA1));
        params.add(new SimpleEntry<>("oauth_timestamp", Long.toString(timestamp)));
        params.add(new SimpleEntry<>("oauth_nonce", nonce));
        if (version != null) {
            params.add(new SimpleEntry<>("oauth_version", version));
        }
        return params;
    }

    /**
     * Parses an {@code Authorization} header. Throws {@link OAuthException} naming the problem: not the OAuth scheme,
     * bad syntax, a missing, duplicated or unsupported parameter, an unsupported signature method or version, a
     * timestamp that is not a number.
     */
    public static OAuthParams parse(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new OAuthException("missing Authorization header (expected: OAuth realm=\"ADM\", "
                    + "oauth_consumer_key=\"...\", ...)");
        }
        String header = authorizationHeader.strip();
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        if (!scheme.equalsIgnoreCase("OAuth")) {
            throw new OAuthException("Authorization scheme: " + scheme + " (expected: OAuth)");
        }
        Map<String, String> params = parseParams(header, space < 0 ? header.length() : space + 1);
        for (String name : params.keySet()) {
            if (!KNOWN.contains(name)) {
                throw new OAuthException("unsupported OAuth parameter " + name + " (expected only: realm, "
                        + String.join(", ", REQUIRED) + ", oauth_version)");
            }
        }
        for (String name : REQUIRED) {
            String value = params.get(name);
            if (value == null || value.isEmpty()) {
                throw new OAuthException("missing OAuth parameter " + name);
            }
        }
        String method = params.get("oauth_signature_method");
        if (!method.equals(HMAC_SHA1)) {
            throw new OAuthException("unsupported oauth_signature_method: " + method + " (expected: HMAC-SHA1)");
        }
        String version = params.get("oauth_version");
        if (version != null && !version.equals(VERSION)) {
            throw new OAuthException("unsupported oauth_version: " + version + " (expected: 1.0)");
        }
        String ts = params.get("oauth_timestamp");
        long timestamp;
        try {
            timestamp = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            throw new OAuthException("oauth_timestamp: " + ts + " (expected: seconds since the epoch)");
        }
        if (timestamp < 0) {
            throw new OAuthException("oauth_timestamp: " + ts + " (expected: seconds since the epoch)");
        }
        return new OAuthParams(params.get("realm"), params.get("oauth_consumer_key"), params.get("oauth_token"),
                method, params.get("oauth_signature"), timestamp, params.get("oauth_nonce"), version);
    }

    /** {@code name="value"} pairs separated by commas (RFC 5849 §3.5.1); values percent-decoded. Positions count from 1. */
    private static Map<String, String> parseParams(String text, int start) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = start;
        int n = text.length();
        while (true) {
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                throw new OAuthException("malformed OAuth header at character " + (i + 1) + ": '"
                        + text.substring(i) + "' (expected: name=\"value\")");
            }
            String name = text.substring(i, eq).strip();
            if (name.isEmpty() || name.contains(",") || name.contains(" ")) {
                throw new OAuthException("malformed OAuth header at character " + (i + 1) + ": '" + name
                        + "' is not a parameter name (expected: name=\"value\")");
            }
            int open = eq + 1;
            if (open >= n || text.charAt(open) != '"') {
                throw new OAuthException("malformed OAuth header: value of " + name + " is not quoted (expected: "
                        + name + "=\"value\")");
            }
            int close = text.indexOf('"', open + 1);
            if (close < 0) {
                throw new OAuthException("malformed OAuth header: value of " + name + " has no closing quote");
            }
            String value = percentDecode(name, text.substring(open + 1, close));
            if (params.containsKey(name)) {
                throw new OAuthException("duplicated OAuth parameter " + name);
            }
            params.put(name, value);
            i = close + 1;
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            if (i < n) {
                if (text.charAt(i) != ',') {
                    throw new OAuthException("malformed OAuth header at character " + (i + 1)
                            + ": expected ',' after the value of " + name);
                }
                i++;
            }
        }
        return params;
    }

    /**
     * Whether the header's signature matches what the request should be signed with. The URI must be the one the
     * client signed (scheme, host and port as the client saw them; query parameters are included).
     */
    public static boolean verify(OAuthParams p, String method, URI uri, String consumerSecret, String accessSecret) {
        requireNonNull(p, "p");
        List<Map.Entry<String, String>> oauth = oauthParams(p.consumerKey(), p.token(), p.nonce(), p.timestamp(),
                p.version());
        String expected = signature(method, uri, oauth, consumerSecret, accessSecret);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                p.signature().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The HMAC-SHA1 signature (base64) over {@link #baseString}. {@code params} are the oauth_* parameters (without
     * oauth_signature) and any form-body parameters; query parameters are taken from {@code uri}.
     */
    public static String signature(String method, URI uri, List<Map.Entry<String, String>> params,
            String consumerSecret, String tokenSecret) {
        requireNonNull(consumerSecret, "consumerSecret");
        requireNonNull(tokenSecret, "tokenSecret");
        String key = percentEncode(consumerSecret) + "&" + percentEncode(tokenSecret);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA1"));
            byte[] digest = mac.doFinal(baseString(method, uri, params).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** The signature base string of RFC 5849 §3.4.1. */
    public static String baseString(String method, URI uri, List<Map.Entry<String, String>> params) {
        requireNonNull(method, "method");
        requireNonNull(uri, "uri");
        requireNonNull(params, "params");
        List<Map.Entry<String, String>> all = new ArrayList<>(queryParams(uri));
        all.addAll(params);
        List<Map.Entry<String, String>> encoded = new ArrayList<>(all.size());
        for (Map.Entry<String, String> e : all) {
            encoded.add(new SimpleEntry<>(percentEncode(e.getKey()), percentEncode(e.getValue())));
        }
        encoded.sort(Comparator.<Map.Entry<String, String>, String>comparing(Map.Entry::getKey)
                .thenComparing(Map.Entry::getValue));
        StringBuilder normalized = new StringBuilder();
        for (Map.Entry<String, String> e : encoded) {
            if (!normalized.isEmpty()) {
                normalized.append('&');
            }
            normalized.append(e.getKey()).append('=').append(e.getValue());
        }
        return method.toUpperCase(Locale.ROOT) + "&" + percentEncode(baseUri(uri)) + "&"
                + percentEncode(normalized.toString());
    }

    /** RFC 5849 §3.4.1.2: lower-case scheme and host, default port dropped, path kept, no query or fragment. */
    static String baseUri(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("uri: " + uri + " (expected: an absolute http or https URI)");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return scheme + "://" + host + (defaultPort ? "" : ":" + port) + path;
    }

    private static List<Map.Entry<String, String>> queryParams(URI uri) {
        String query = uri.getRawQuery();
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.add(new SimpleEntry<>(URLDecoder.decode(name, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** RFC 3986 percent-encoding as RFC 5849 §3.6 requires: all but ALPHA, DIGIT, '-', '.', '_', '~'; UTF-8. */
    public static String percentEncode(String value) {
        requireNonNull(value, "value");
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String percentDecode(String name, String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length() || Character.digit(value.charAt(i + 1), 16) < 0
                        || Character.digit(value.charAt(i + 2), 16) < 0) {
                    throw new OAuthException("malformed OAuth header: value of " + name
                            + " has a bad percent-escape at character " + (i + 1) + " (expected: %XX)");
                }
                out.write(Character.digit(value.charAt(i + 1), 16) << 4 | Character.digit(value.charAt(i + 2), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
