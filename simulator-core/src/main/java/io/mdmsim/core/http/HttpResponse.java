package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A complete response. The server sets {@code Content-Length}; headers given here win over nothing else.
 *
 * @param status  100..599
 * @param headers header names and values, in order; names are matched case-insensitively by {@link #header(String)}
 * @param body    the whole body, empty if none
 */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {

    public static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    public static final String APPLICATION_JSON = "application/json; charset=utf-8";

    public HttpResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
        }
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body == null ? new byte[0] : body;
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
        return new HttpResponse(status, copy, body);
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
        return status + " " + headers + " (" + body.length + " bytes)";
    }
}
