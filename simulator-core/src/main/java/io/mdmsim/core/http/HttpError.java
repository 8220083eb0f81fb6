package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * Thrown by a handler to answer with a given status and body. The message is the body as text (for a text body) so
 * logs and tests read what the client got.
 */
public class HttpError extends RuntimeException {

    private final transient HttpResponse response;

    /** {@code status} with {@code message} as readable text. */
    public HttpError(int status, String message) {
        this(HttpResponse.text(status, requireNonNull(message, "message")), message, null);
    }

    /** {@code status} with {@code message} as readable text, keeping what caused it (not sent to the client). */
    public HttpError(int status, String message, Throwable cause) {
        this(HttpResponse.text(status, requireNonNull(message, "message")), message, cause);
    }

    /** {@code status} with a body of the given type (for example an Apple error plist or a bare DEP error code). */
    public HttpError(int status, String contentType, byte[] body) {
        this(HttpResponse.of(status, body, contentType), new String(body, StandardCharsets.UTF_8), null);
    }

    /** Answer with exactly this response (headers included). */
    public HttpError(HttpResponse response) {
        this(requireNonNull(response, "response"), response.status() + " " + response.bodyText(), null);
    }

    private HttpError(HttpResponse response, String message, Throwable cause) {
        super(message, cause, false, false);
        this.response = response;
    }

    public int status() {
        return response.status();
    }

    public HttpResponse response() {
        return response;
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    public static HttpError unauthorized(String message) {
        return new HttpError(401, message);
    }

    public static HttpError forbidden(String message) {
        return new HttpError(403, message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    public static HttpError conflict(String message) {
        return new HttpError(409, message);
    }
}
