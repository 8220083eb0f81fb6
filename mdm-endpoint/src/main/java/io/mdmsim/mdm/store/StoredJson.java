package io.mdmsim.mdm.store;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * How the services write their in-memory state as the JSON documents the store keeps: every field of an object
 * (public or not; {@code transient} fields are left out), no getters, {@code java.time} as ISO-8601 text, byte
 * arrays as base64, fields the JSON no longer has left as they are, fields it has that the class lost ignored. Reading
 * into an existing object fills its final collections and nested objects in place.
 */
public final class StoredJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder(io.mdmsim.core.http.Json.factory())
            .addModule(new JavaTimeModule())
            .visibility(PropertyAccessor.ALL, Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, Visibility.ANY)
            .visibility(PropertyAccessor.CREATOR, Visibility.ANY)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .defaultMergeable(true)
            .build();

    private StoredJson() {
    }

    /** The state of {@code value} as JSON; a value that cannot be written is a programming error. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot store " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** A new object of {@code type} from stored JSON. */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored " + type.getSimpleName() + " is not readable: " + e.getOriginalMessage(), e);
        }
    }

    /** Fills {@code target} from stored JSON (its collections and nested objects are filled in place). */
    public static <T> T update(T target, String json) {
        try {
            return MAPPER.readerForUpdating(target).readValue(json);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored " + target.getClass().getSimpleName() + " is not readable: "
                    + e.getOriginalMessage(), e);
        }
    }
}
