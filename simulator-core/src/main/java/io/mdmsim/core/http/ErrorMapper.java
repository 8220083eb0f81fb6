package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mdmsim.core.error.MalformedInputException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The one place that turns what a handler threw into a status and a readable body. Never sends a stack trace.
 *
 * <ul>
 *   <li>{@link HttpError}: its own response.</li>
 *   <li>an exception implementing {@link HasHttpStatus}: that status, its message as text.</li>
 *   <li>registered exception classes, matched on the exception's class and then its superclasses, nearest first.
 *       {@link #defaults()} maps {@link MalformedInputException} (the base of every codec's and every part's "bad
 *       input" exception) and Jackson's {@link JsonProcessingException} to 400 with their message.</li>
 *   <li>anything else: 500 {@code "internal error <id>; see the server log"}, logged with its stack trace.</li>
 * </ul>
 * {@link IllegalArgumentException} is deliberately not mapped: a handler that means 400 says so with HttpError.
 *
 * <p>Instances are immutable apart from the incident counter; extend with {@link #toBuilder()}.
 */
public final class ErrorMapper {

    private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());

    private final Map<Class<?>, Function<Throwable, HttpResponse>> byClass;
    private final AtomicLong incidents = new AtomicLong();

    private ErrorMapper(Map<Class<?>, Function<Throwable, HttpResponse>> byClass) {
        this.byClass = Map.copyOf(byClass);
    }

    /** HttpError, HasHttpStatus, and MalformedInputException and Jackson's exceptions as 400. */
    public static ErrorMapper defaults() {
        return builder().badRequest(MalformedInputException.class).badRequest(JsonProcessingException.class).build();
    }

    /** Only HttpError and HasHttpStatus; everything else 500. */
    public static Builder builder() {
        return new Builder(Map.of());
    }

    public Builder toBuilder() {
        return new Builder(byClass);
    }

    /** The response for a known error, or empty when it would be a 500 incident. */
    public Optional<HttpResponse> map(Throwable error) {
        requireNonNull(error, "error");
        Throwable e = unwrap(error);
        if (e instanceof HttpError h) {
            return Optional.of(h.response());
        }
        if (e instanceof HasHttpStatus s) {
            return Optional.of(HttpResponse.text(s.httpStatus(), messageOf(e)));
        }
        for (Class<?> c = e.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            Function<Throwable, HttpResponse> mapping = byClass.get(c);
            if (mapping != null) {
                return Optional.of(requireNonNull(mapping.apply(e), "mapping of " + c.getName() + " returned null"));
            }
        }
        return Optional.empty();
    }

    /**
     * The response for any error; an unknown one gets an incident id, is logged with its stack trace and answered
     * with 500 naming only the id.
     *
     * @param serverName prefix of the incident id
     * @param context    what was being handled, for the log ("POST /profile")
     */
    public HttpResponse toResponse(Throwable error, String serverName, String context) {
        Optional<HttpResponse> known = map(error);
        if (known.isPresent()) {
            HttpResponse response = known.get();
            LOG.log(Level.DEBUG, () -> serverName + ": " + context + " -> " + response.status() + " ("
                    + unwrap(error).getClass().getSimpleName() + ": " + unwrap(error).getMessage() + ")");
            return response;
        }
        String id = serverName + "-" + incidents.incrementAndGet();
        LOG.log(Level.ERROR, "internal error " + id + " handling " + context, error);
        return HttpResponse.text(500, "internal error " + id + "; see the server log");
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static String messageOf(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String describe(Throwable e) {
        if (e instanceof JsonProcessingException j) {
            return "invalid JSON " + Json.describe(j);
        }
        return messageOf(e);
    }

    public static final class Builder {
        private final Map<Class<?>, Function<Throwable, HttpResponse>> byClass;

        private Builder(Map<Class<?>, Function<Throwable, HttpResponse>> initial) {
            this.byClass = new LinkedHashMap<>(initial);
        }

        /** Answer {@code type} (and its subclasses) with what {@code mapping} returns. */
        public <T extends Throwable> Builder map(Class<T> type, Function<? super T, HttpResponse> mapping) {
            requireNonNull(type, "type");
            requireNonNull(mapping, "mapping");
            byClass.put(type, e -> mapping.apply(type.cast(e)));
            return this;
        }

        /** Answer {@code type} (and its subclasses) with {@code status} and the exception's message as text. */
        public Builder status(Class<? extends Throwable> type, int status) {
            HttpResponse.empty(status); // validates the status now rather than at the first error
            return map(type, e -> HttpResponse.text(status, describe(e)));
        }

        /** Answer {@code type} (and its subclasses) with 400 and the exception's message as text. */
        public Builder badRequest(Class<? extends Throwable> type) {
            return status(type, 400);
        }

        public ErrorMapper build() {
            return new ErrorMapper(byClass);
        }
    }
}
