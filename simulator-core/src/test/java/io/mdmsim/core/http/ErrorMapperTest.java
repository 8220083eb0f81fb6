package io.mdmsim.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {

    /** Stands in for a core codec exception of another package, known here only by name. */
    static class CodecException extends RuntimeException {
        CodecException(String message) {
            super(message);
        }
    }

    static final class MalformedThing extends CodecException {
        MalformedThing(String message) {
            super(message);
        }
    }

    static final class Gone extends RuntimeException implements HasHttpStatus {
        Gone() {
            super("token revoked");
        }

        @Override
        public int httpStatus() {
            return 401;
        }
    }

    @Test
    void everyMalformedInputExceptionIs400WithItsMessage() {
        ErrorMapper mapper = ErrorMapper.defaults();
        byte[] raw = "<plist".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (RuntimeException e : new RuntimeException[] {
            new io.mdmsim.core.plist.PlistException("not a plist: unexpected end of XML", raw),
            new io.mdmsim.core.protocol.MalformedMessageException("Authenticate: missing key UDID", raw),
            new io.mdmsim.core.cms.CmsException("signature does not match content"),
            new io.mdmsim.core.scep.ScepException("not a pkiMessage"),
            new io.mdmsim.core.pki.PkiException("certificate CN=x expired"),
            new io.mdmsim.core.pki.PemException("no PEM block (expected: -----BEGIN CERTIFICATE-----)"),
            new io.mdmsim.core.error.MalformedInputException("limit: 5000 (expected: 1..1000)"),
        }) {
            HttpResponse r = mapper.map(e).orElseThrow(() -> new AssertionError("unmapped: " + e));
            assertEquals(400, r.status(), e.toString());
            assertEquals(e.getMessage(), r.bodyText());
        }
    }

    @Test
    void aMappingCoversSubclassesNearestFirst() {
        ErrorMapper mapper = ErrorMapper.defaults().toBuilder()
                .badRequest(CodecException.class)
                .build();
        HttpResponse r = mapper.map(new MalformedThing("missing key UDID")).orElseThrow();
        assertEquals(400, r.status());
        assertEquals("missing key UDID", r.bodyText());

        ErrorMapper nearer = mapper.toBuilder()
                .map(MalformedThing.class, e -> HttpResponse.text(422, "nearest: " + e.getMessage()))
                .build();
        assertEquals("nearest: x", nearer.map(new MalformedThing("x")).orElseThrow().bodyText());
        assertEquals(400, nearer.map(new CodecException("y")).orElseThrow().status());
    }

    @Test
    void hasHttpStatusAndHttpErrorAreAlwaysMapped() {
        ErrorMapper bare = ErrorMapper.builder().build();
        assertEquals(401, bare.map(new Gone()).orElseThrow().status());
        assertEquals("token revoked", bare.map(new Gone()).orElseThrow().bodyText());
        assertEquals(409, bare.map(HttpError.conflict("exists")).orElseThrow().status());
        assertEquals(409, bare.map(new CompletionException(HttpError.conflict("x"))).orElseThrow().status());
    }

    @Test
    void illegalArgumentAndOtherExceptionsAreIncidents() {
        ErrorMapper mapper = ErrorMapper.defaults();
        assertEquals(Optional.empty(), mapper.map(new IllegalArgumentException("x")));
        HttpResponse first = mapper.toResponse(new NullPointerException("npe"), "abm", "GET /x");
        HttpResponse second = mapper.toResponse(new IllegalArgumentException("iae"), "abm", "GET /y");
        assertEquals(500, first.status());
        assertEquals("internal error abm-1; see the server log", first.bodyText());
        assertEquals("internal error abm-2; see the server log", second.bodyText());
    }

    @Test
    void jacksonErrorsAre400WithLocation() {
        HttpResponse r = ErrorMapper.defaults().toResponse(readBroken(), "t", "POST /x");
        assertEquals(400, r.status());
        assertTrue(r.bodyText().startsWith("invalid JSON at line 1, column "), r.bodyText());
        assertFalse(r.bodyText().contains("Source"), r.bodyText());
    }

    private static Exception readBroken() {
        try {
            Json.MAPPER.readTree("{\"a\": tru}");
            throw new AssertionError("expected a parse error");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return e;
        }
    }

    @Test
    void statusIsValidatedWhenRegistering() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ErrorMapper.builder().status(IllegalStateException.class, 42));
        assertEquals("status: 42 (expected: 100..599)", e.getMessage());
    }
}
