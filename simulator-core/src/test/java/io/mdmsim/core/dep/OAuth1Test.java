package io.mdmsim.core.dep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OAuth1Test {

    private static final ServerToken TOKEN = new ServerToken("CK_48dd68d198350f51258e885ce9a5c37ab7f98543c4a697323d75682a6c10a32501cb247e3db08105db868f73f2c972bdb6ae77112aea803b9219eb52689d42e6",
            "CS_34c7b2b531a600d99a0e4edcf4a78ded79b86ef318118c2f5bcfee1b011108c32d5302df801adbe29d446eb78f02b13144e323eb9aad51c79f01e50cb45c3a68",
            "AT_927696831c59ba510cfe4ec1a69e5267c19881257d4bca2906a99d0785b785a6f6fdeb09774954fdd5e2d0ad952e3af52c6d8d2f21c924ba0caf4a031c158b89",
            "AS_c31afd7a09691d83548489336e8ff1cb11b82b6bca13f793344496a556b1f4972eaff4dde6deb5ac9cf076fdfa97ec97699c34d515947b9cf9ed31c99dded6ba",
            Instant.parse("2015-01-14T21:27:41Z"));
    private static final URI SESSION = URI.create("https://mdmenrollment.apple.com/session");

    private static Map.Entry<String, String> p(String name, String value) {
        return new SimpleEntry<>(name, value);
    }

    @Test
    void knownAnswerTwitterDocumentedExample() {
        // "Creating a signature", Twitter developer documentation: a POST with a form body and a query parameter.
        URI uri = URI.create("https://api.twitter.com/1.1/statuses/update.json?include_entities=true");
        List<Map.Entry<String, String>> params = List.of(
                p("status", "Hello Ladies + Gentlemen, a signed OAuth request!"),
                p("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
                p("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
                p("oauth_signature_method", "HMAC-SHA1"),
                p("oauth_timestamp", "1318622958"),
                p("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
                p("oauth_version", "1.0"));
        assertEquals("POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue"
                + "%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2"
                + "VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-"
                + "GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B"
                + "%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521",
                OAuth1.baseString("POST", uri, params));
        assertEquals("hCtSmYh+iHYCEqBWrE7C7hYmtUk=", OAuth1.signature("POST", uri, params,
                "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"));
    }

    @Test
    void knownAnswerRfc5849Section1_2() {
        URI uri = URI.create("http://photos.example.net/photos?file=vacation.jpg&size=original");
        List<Map.Entry<String, String>> params = List.of(
                p("oauth_consumer_key", "dpf43f3p2l4k3l03"), p("oauth_token", "nnch734d00sl2jdk"),
                p("oauth_signature_method", "HMAC-SHA1"), p("oauth_timestamp", "137131202"),
                p("oauth_nonce", "chapoH"));
        assertEquals("MdpQcU8iPSUjWoN/UDMsK2sui9I=",
                OAuth1.signature("GET", uri, params, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"));
    }

    @Test
    void baseStringOfRfc5849Section3_4_1_1() {
        // The RFC's example: repeated and encoded query parameters, form body parameters, default port dropped.
        URI uri = URI.create("http://EXAMPLE.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b");
        List<Map.Entry<String, String>> params = List.of(p("c2", ""), p("a3", "2 q"),
                p("oauth_consumer_key", "9djdj82h48djs9d2"), p("oauth_token", "kkk9d7dh3k39sjv7"),
                p("oauth_signature_method", "HMAC-SHA1"), p("oauth_timestamp", "137131201"),
                p("oauth_nonce", "7d8f3e4a"));
        assertEquals("POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D"
                + "%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_"
                + "signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7",
                OAuth1.baseString("POST", uri, params));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "->", value = {
        "abcXYZ019-._~ -> abcXYZ019-._~",
        "a b+c -> a%20b%2Bc",
        "%=&/?* -> %25%3D%26%2F%3F%2A",
        "é☃ -> %C3%A9%E2%98%83",
    })
    void percentEncodingPerRfc3986(String in, String out) {
        assertEquals(out, OAuth1.percentEncode(in));
    }

    @Test
    void buildParseVerifyRoundTrip() {
        String header = OAuth1.authorizationHeader("GET", SESSION, TOKEN, "4572616e48616d6d65724c61686176", 137131200);
        assertTrue(header.startsWith("OAuth realm=\"ADM\", oauth_consumer_key=\"CK_48dd"), header);
        assertTrue(header.contains(", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\""), header);
        assertTrue(header.endsWith(", oauth_timestamp=\"137131200\", oauth_nonce=\"4572616e48616d6d65724c61686176\", "
                + "oauth_version=\"1.0\""), header);

        OAuthParams parsed = OAuth1.parse(header);
        assertEquals("ADM", parsed.realm());
        assertEquals(TOKEN.consumerKey(), parsed.consumerKey());
        assertEquals(TOKEN.accessToken(), parsed.token());
        assertEquals(137131200L, parsed.timestamp());
        assertEquals("4572616e48616d6d65724c61686176", parsed.nonce());
        assertEquals("1.0", parsed.version());
        assertTrue(OAuth1.verify(parsed, "GET", SESSION, TOKEN.consumerSecret(), TOKEN.accessSecret()));
        // Default port and case of scheme/host do not matter (RFC 5849 §3.4.1.2).
        assertTrue(OAuth1.verify(parsed, "get", URI.create("HTTPS://MDMENROLLMENT.apple.com:443/session"),
                TOKEN.consumerSecret(), TOKEN.accessSecret()));
    }

    @Test
    void signatureCoversQueryParametersAndSeededNoncesAreReproducible() {
        URI withQuery = URI.create("http://127.0.0.1:8080/profile?profile_uuid=ABC");
        String nonce = OAuth1.nonce(RandomGenerator.of("L64X128MixRandom"));
        assertEquals(32, nonce.length());
        OAuthParams p = OAuth1.parse(OAuth1.authorizationHeader("GET", withQuery, TOKEN, nonce, 1700000000));
        assertTrue(OAuth1.verify(p, "GET", withQuery, TOKEN.consumerSecret(), TOKEN.accessSecret()));
        assertFalse(OAuth1.verify(p, "GET", URI.create("http://127.0.0.1:8080/profile?profile_uuid=XYZ"),
                TOKEN.consumerSecret(), TOKEN.accessSecret()));
    }

    @Test
    void tamperedOrWronglyKeyedSignaturesFail() {
        OAuthParams p = OAuth1.parse(OAuth1.authorizationHeader("GET", SESSION, TOKEN, "n1", 1000));
        OAuthParams tampered = new OAuthParams(p.realm(), p.consumerKey(), p.token(), p.signatureMethod(),
                flipFirstChar(p.signature()), p.timestamp(), p.nonce(), p.version());
        assertFalse(OAuth1.verify(tampered, "GET", SESSION, TOKEN.consumerSecret(), TOKEN.accessSecret()));

        OAuthParams otherTime = new OAuthParams(p.realm(), p.consumerKey(), p.token(), p.signatureMethod(),
                p.signature(), p.timestamp() + 1, p.nonce(), p.version());
        assertFalse(OAuth1.verify(otherTime, "GET", SESSION, TOKEN.consumerSecret(), TOKEN.accessSecret()));

        assertFalse(OAuth1.verify(p, "POST", SESSION, TOKEN.consumerSecret(), TOKEN.accessSecret()));
        assertFalse(OAuth1.verify(p, "GET", URI.create("http://127.0.0.1:1/session"), TOKEN.consumerSecret(),
                TOKEN.accessSecret()));
        assertFalse(OAuth1.verify(p, "GET", SESSION, "CS_other", TOKEN.accessSecret()));
        assertFalse(OAuth1.verify(p, "GET", SESSION, TOKEN.consumerSecret(), "AS_other"));
    }

    private static String flipFirstChar(String s) {
        return (s.charAt(0) == 'A' ? "B" : "A") + s.substring(1);
    }

    @Test
    void parsesTheProtocolSampleWithLooseSpacingAndWithoutVersionOrRealm() {
        OAuthParams p = OAuth1.parse("OAuth oauth_consumer_key=\"CK_1\",oauth_token=\"AT_1\",  "
                + "oauth_signature_method=\"HMAC-SHA1\" , oauth_signature=\"abc%2Bdef%3D\", oauth_timestamp=\"137131200\","
                + "oauth_nonce=\"4572616e48616d6d65724c61686176\"");
        assertNull(p.realm());
        assertNull(p.version());
        assertEquals("abc+def=", p.signature());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "->", quoteCharacter = '`', value = {
        "`Basic dXNlcjpwYXNz` -> Authorization scheme: Basic (expected: OAuth)",
        "`OAuth realm=\"ADM\", oauth_token=\"AT\", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"s\", oauth_timestamp=\"1\", oauth_nonce=\"n\"`"
            + " -> missing OAuth parameter oauth_consumer_key",
        "`OAuth oauth_consumer_key=\"CK\", oauth_token=\"AT\", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"s\", oauth_timestamp=\"1\"`"
            + " -> missing OAuth parameter oauth_nonce",
        "`OAuth oauth_consumer_key=\"CK\", oauth_token=\"AT\", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"\", oauth_timestamp=\"1\", oauth_nonce=\"n\"`"
            + " -> missing OAuth parameter oauth_signature",
        "`OAuth oauth_consumer_key=\"CK\", oauth_consumer_key=\"CK2\", oauth_token=\"AT\", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"s\", oauth_timestamp=\"1\", oauth_nonce=\"n\"`"
            + " -> duplicated OAuth parameter oauth_consumer_key",
        "`OAuth oauth_consumer_key=\"CK\", oauth_token=\"AT\", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"s\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_callback=\"oob\"`"
            + " -> unsupported OAuth parameter oauth_callback (expected only: realm, oauth_consumer_key, oauth_token, oauth_signature_method, oauth_signature, oauth_timestamp, oauth_nonce, oauth_version)",
        "`OAuth oauth_consumer_key=\"CK\", oauth_token=\"AT\", oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"s\", oauth_timestamp=\"1\", oauth_nonce=\"n\"`"
            + " -> unsupported oauth_signature_method: PLAINTEXT (expected: HMAC-SHA1)",
        "`OAuth oauth_consumer_key=\"CK\", oauth_token=\"AT\", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"s\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_version=\"2.0\"`"
            + " -> unsupported oauth_version: 2.0 (expected: 1.0)",
        "`OAuth oauth_consumer_key=\"CK\", oauth_token=\"AT\", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"s\", oauth_timestamp=\"yesterday\", oauth_nonce=\"n\"`"
            + " -> oauth_timestamp: yesterday (expected: seconds since the epoch)",
        "`OAuth oauth_consumer_key=CK` -> malformed OAuth header: value of oauth_consumer_key is not quoted (expected: oauth_consumer_key=\"value\")",
        "`OAuth oauth_consumer_key=\"CK` -> malformed OAuth header: value of oauth_consumer_key has no closing quote",
        "`OAuth oauth_consumer_key=\"CK\" oauth_token=\"AT\"` -> malformed OAuth header at character 31: expected ',' after the value of oauth_consumer_key",
        "`OAuth oauth_consumer_key=\"CK\", garbage` -> malformed OAuth header at character 32: 'garbage' (expected: name=\"value\")",
        "`OAuth oauth_consumer_key=\"C%4\"` -> malformed OAuth header: value of oauth_consumer_key has a bad percent-escape at character 2 (expected: %XX)",
    })
    void malformedHeadersGiveClearErrors(String header, String expected) {
        OAuthException e = assertThrows(OAuthException.class, () -> OAuth1.parse(header));
        assertEquals(expected, e.getMessage());
        assertEquals(400, e.httpStatus());
    }

    @Test
    void missingHeaderIsAClearError() {
        String expected = "missing Authorization header (expected: OAuth realm=\"ADM\", oauth_consumer_key=\"...\", ...)";
        assertEquals(expected, assertThrows(OAuthException.class, () -> OAuth1.parse(null)).getMessage());
        assertEquals(expected, assertThrows(OAuthException.class, () -> OAuth1.parse("  ")).getMessage());
    }

    @Test
    void emptyNonceIsRefusedWhenBuilding() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OAuth1.authorizationHeader("GET", SESSION, TOKEN, "", 1));
        assertEquals("nonce: empty (expected: a unique, non-empty string)", e.getMessage());
    }
}
