package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 *   <li>registered exception classes (by class, or by class name for classes this package cannot see), matched on
 *       the exception's class and then its superclasses, nearest first. {@link #defaults()} maps the core codec
 *       exceptions ({@code PlistException}, {@code ProtocolException}, {@code CmsException}, {@code ScepException})
 *       and Jackson's {@link JsonProcessingException} to 400 with their message.</li>
 *   <li>anything else: 500 {@code "internal error <id>; see the server log"}, logged with its stack trace.</li>
 * </ul>
 * {@link IllegalArgumentException} is deliberately not mapped: a handler that means 400 says so with HttpError.
 *
 * <p>Instances are immutable apart from the incident counter; extend with {@link #toBuilder()}.
 */
public final class ErrorMapper {

    private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());

    /** Class names of the core exceptions that mean "the client sent something malformed". */
    public static final java.util.List<String> CORE_BAD_REQUEST_EXCEPTIONS = java.util.List.of(
            "io.mdmsim.core.plist.PlistException",
            "io.mdmsim.core.protocol.ProtocolException",
            "io.mdmsim.core.cms.CmsException",
            "io.mdmsim.core.scep.ScepException");

    private final Map<String, Function<Throwable, HttpResponse>> byClassName;
    private final AtomicLong incidents = new AtomicLong();

    private ErrorMapper(Map<String, Function<Throwable, HttpResponse>> byClassName) {
        this.byClassName = Map.copyOf(byClassName);
    }

    /** HttpError, HasHttpStatus, the core codec exceptions and Jackson's as 400. */
    public static ErrorMapper defaults() {
        Builder b = builder().badRequest(JsonProcessingException.class);
        CORE_BAD_REQUEST_EXCEPTIONS.forEach(b::badRequest);
        return b.build();
    }

    /** Only HttpError and HasHttpStatus; everything else 500. */
    public static Builder builder() {
        return new Builder(Map.of());
    }

    public Builder toBuilder() {
        return new Builder(byClassName);
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
            Function<Throwable, HttpResponse> mapping = byClassName.get(c.getName());
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
        private final Map<String, Function<Throwable, HttpResponse>> byClassName;

        private Builder(Map<String, Function<Throwable, HttpResponse>> initial) {
            this.byClassName = new LinkedHashMap<>(initial);
        }

        /** Answer {@code type} (and its subclasses) with what {@code mapping} returns. */
        public <T extends Throwable> Builder map(Class<T> type, Function<? super T, HttpResponse> mapping) {
            requireNonNull(type, "type");
            requireNonNull(mapping, "mapping");
            byClassName.put(type.getName(), e -> mapping.apply(type.cast(e)));
            return this;
        }

        /** Answer the exception class of this name (and its subclasses) with what {@code mapping} returns. */
        public Builder map(String className, Function<Throwable, HttpResponse> mapping) {
            requireNonNull(className, "className");
            requireNonNull(mapping, "mapping");
            byClassName.put(className, mapping);
            return this;
        }

        /** Answer {@code type} (and its subclasses) with {@code status} and the exception's message as text. */
        public Builder status(Class<? extends Throwable> type, int status) {
            return status(type.getName(), status);
        }

        /** As {@link #status(Class, int)}, by class name. */
        public Builder status(String className, int status) {
            HttpResponse.empty(status); // validates the status now rather than at the first error
            return map(className, e -> HttpResponse.text(status, describe(e)));
        }

        /** Answer {@code type} (and its subclasses) with 400 and the exception's message as text. */
        public Builder badRequest(Class<? extends Throwable> type) {
            return status(type, 400);
        }

        /** As {@link #badRequest(Class)}, by class name. */
        public Builder badRequest(String className) {
            return status(className, 400);
        }

        public ErrorMapper build() {
            return new ErrorMapper(byClassName);
        }
    }
}
