package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.List;

/**
 * The shared Jackson mappers: {@code java.time} as ISO-8601 strings, unknown properties ignored (the other side may be
 * newer); request bodies are read strictly ({@link #STRICT}). Reading a body that is not what was expected is answered
 * with 400 naming where and what.
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder(factory())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * For what clients send a server ({@link #read}, {@link #readRequest}): as {@link #MAPPER}, and a key that
     * appears twice in one object is refused (never "the last one wins"), no number or boolean is taken for a string.
     */
    public static final ObjectMapper STRICT = JsonMapper.builder(factory())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private Json() {
    }

    /**
     * A Jackson factory whose parsers and generators take their buffers from one bounded pool shared by every thread.
     * Jackson's default keeps a set of buffers (some 12 KiB) per thread: with a virtual thread per device, every idle
     * device held its own, and with a virtual thread per request every request made a new set.
     */
    public static JsonFactory factory() {
        return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();
    }

    /** A mapper with Jackson's defaults (unknown properties fail) on a {@link #factory()}. */
    public static ObjectMapper plainMapper() {
        return new ObjectMapper(factory());
    }

    /** Serializes a value; a value Jackson cannot write is a programming error. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + typeName(value) + " as JSON: " + describe(e), e);
        }
    }

    /** Serializes a value to a string. */
    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + typeName(value) + " as JSON: " + describe(e), e);
        }
    }

    /**
     * Reads the JSON body of a request; a body labelled with another media type is 415, so that a web form
     * ({@code text/plain}) can never pass for JSON. No label at all is accepted (command-line clients).
     */
    public static <T> T readRequest(HttpRequest request, Class<T> type) {
        requireJson(request);
        return read(request.body(), type);
    }

    /** {@link #readRequest(HttpRequest, Class)} for a generic type. */
    public static <T> T readRequest(HttpRequest request, TypeReference<T> type) {
        requireJson(request);
        return read(request.body(), type);
    }

    /** 415 unless the request's Content-Type is JSON ({@code application/json} or {@code application/*+json}). */
    public static void requireJson(HttpRequest request) {
        String type = request.header("Content-Type");
        if (type == null || type.isBlank()) {
            return;
        }
        int semi = type.indexOf(';');
        String media = (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
        if (media.equals("application/json") || media.startsWith("application/") && media.endsWith("+json")) {
            return;
        }
        throw new HttpError(415, HttpResponse.TEXT_PLAIN, ("Content-Type: " + media + " (expected: application/json)")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Reads a request body; {@link HttpError} 400 names the location and the problem. */
    public static <T> T read(byte[] body, Class<T> type) {
        requireNonNull(type, "type");
        return read(body, MAPPER.constructType(type));
    }

    /** Reads a request body into a generic type ({@code new TypeReference<List<String>>() {}}). */
    public static <T> T read(byte[] body, TypeReference<T> type) {
        requireNonNull(type, "type");
        return read(body, MAPPER.constructType(type));
    }

    /** Reads a request body into the given type. */
    public static <T> T read(byte[] body, JavaType type) {
        requireNonNull(type, "type");
        String what = type.getRawClass().getSimpleName();
        if (body == null || body.length == 0) {
            throw HttpError.badRequest("invalid JSON for " + what + ": the body is empty (expected: a JSON value)");
        }
        T value;
        try {
            value = STRICT.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "invalid JSON for " + what + " " + describe(e), e);
        } catch (IOException e) {
            throw new HttpError(400, "invalid JSON for " + what + ": " + e.getMessage(), e);
        }
        if (value == null) {
            throw HttpError.badRequest("invalid JSON for " + what + ": the body is null (expected: a JSON value)");
        }
        return value;
    }

    /**
     * A readable account of a Jackson failure without the source text: {@code "at line 1, column 11 ($.limit):
     * Cannot deserialize ..."}.
     */
    public static String describe(JsonProcessingException e) {
        StringBuilder out = new StringBuilder();
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            out.append("at line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr());
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            out.append(out.isEmpty() ? "at " : " ").append('(').append(jsonPath(m.getPath())).append(')');
        }
        String problem = e.getOriginalMessage();
        out.append(out.isEmpty() ? "" : ": ").append(problem == null ? e.getClass().getSimpleName() : problem);
        return out.toString();
    }

    private static String jsonPath(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder("$");
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                out.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
