package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response: either complete ({@code body}; the server sets {@code Content-Length}) or streamed ({@code stream} not
 * null; the body is written over time through a {@link ResponseSink}, see {@link #streaming}).
 *
 * @param status  100..599
 * @param headers header names and values, in order; names are matched case-insensitively by {@link #header(String)}
 * @param body    the whole body, empty if none (always empty for a streamed response)
 * @param stream  null for a complete response; else what writes the body once the head is sent
 */
public record HttpResponse(int status, Map<String, String> headers, byte[] body, StreamingBody stream) {

    public static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    public static final String APPLICATION_JSON = "application/json; charset=utf-8";

    public HttpResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
        }
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body == null ? new byte[0] : body;
        if (stream != null && body.length > 0) {
            throw new IllegalArgumentException("a streamed response has no fixed body (got " + body.length
                    + " bytes; expected: write them to the sink)");
        }
    }

    /** A complete response. */
    public HttpResponse(int status, Map<String, String> headers, byte[] body) {
        this(status, headers, body, null);
    }

    /**
     * A response whose body is written over time: once the head is on its way the server calls
     * {@link StreamingBody#open(ResponseSink)} (on the handler's virtual thread); the code that keeps the sink writes
     * to it and closes it, and learns from {@link ResponseSink#whenClosed()} when the client went away. Sent with
     * chunked transfer coding on HTTP/1.1, as DATA frames on HTTP/2.
     */
    public static HttpResponse streaming(int status, String contentType, StreamingBody stream) {
        requireNonNull(contentType, "contentType");
        requireNonNull(stream, "stream");
        return new HttpResponse(status, Map.of("Content-Type", contentType), new byte[0], stream);
    }

    /** True for a response made by {@link #streaming}. */
    public boolean isStreaming() {
        return stream != null;
    }

    /** 200 with a body of the given type. */
    public static HttpResponse ok(byte[] body, String contentType) {
        return of(200, body, contentType);
    }

    /** Any status with a body of the given type. */
    public static HttpResponse of(int status, byte[] body, String contentType) {
        requireNonNull(body, "body");
        requireNonNull(contentType, "contentType");
        return new HttpResponse(status, Map.of("Content-Type", contentType), body);
    }

    /** Readable text, {@code text/plain; charset=utf-8}. */
    public static HttpResponse text(int status, String text) {
        requireNonNull(text, "text");
        return of(status, text.getBytes(StandardCharsets.UTF_8), TEXT_PLAIN);
    }

    /** A value written by {@link Json#MAPPER}, {@code application/json; charset=utf-8}. */
    public static HttpResponse json(int status, Object value) {
        return of(status, Json.write(value), APPLICATION_JSON);
    }

    /** No body. */
    public static HttpResponse empty(int status) {
        return new HttpResponse(status, Map.of(), new byte[0]);
    }

    /** This response with a header set, replacing any value under the same name (case-insensitive). */
    public HttpResponse withHeader(String name, String value) {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase(name)) {
                copy.put(k, v);
            }
        });
        copy.put(name, value);
        return new HttpResponse(status, copy, body, stream);
    }

    /** The value of a header (case-insensitive), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return status + " " + headers + (stream != null ? " (streamed)" : " (" + body.length + " bytes)");
    }
}
