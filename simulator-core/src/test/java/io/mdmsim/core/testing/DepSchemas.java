package io.mdmsim.core.testing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.mdmsim.core.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Validates JSON against the DEP JSON schemas of micromdm/apple-device-services vendored in
 * {@code apple-device-services/dep/schemas/} beside the checkout ({@link Prerequisites}) (draft 2020-12, networknt json-schema-validator 3.x).
 *
 * <p>Two modes: {@link #errors} checks the schemas as published; {@link #strictErrors} additionally rejects
 * properties a schema does not declare (the published schemas allow any), which catches misspelt or camelCase keys.
 * {@link #assertValid} uses the strict mode.
 *
 * <p>Modules that reuse this from the simulator-core test-jar need {@code com.networknt:json-schema-validator} on
 * their own test classpath.
 */
public final class DepSchemas {

    private static final String BASE = "https://schemas.mdmsim.test/dep/";

    private static final class Holder {
        static final DepSchemas INSTANCE = new DepSchemas(schemaDir());
    }

    /** The loaded schemas; the gate runs first so that a missing folder skips the test (not an initializer error). */
    private static DepSchemas instance() {
        schemaDir();
        return Holder.INSTANCE;
    }

    private final Path dir;
    private final SchemaRegistry published;
    private final SchemaRegistry strict;
    private final Map<String, Schema> cache = new java.util.concurrent.ConcurrentHashMap<>();

    private DepSchemas(Path dir) {
        this.dir = dir;
        Map<String, String> publishedTexts = new HashMap<>();
        Map<String, String> strictTexts = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                String text = Files.readString(file);
                String iri = BASE + file.getFileName();
                publishedTexts.put(iri, text);
                JsonNode node = Json.MAPPER.readTree(text);
                closeObjects(node);
                strictTexts.put(iri, Json.MAPPER.writeValueAsString(node));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the DEP schemas in " + dir, e);
        }
        this.published = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(publishedTexts));
        this.strict = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(strictTexts));
    }

    /** {@code apple-device-services/dep/schemas}, or skip the calling test ({@link Prerequisites}). */
    public static Path schemaDir() {
        return Prerequisites.appleDeviceServices().resolve("dep").resolve("schemas");
    }

    /** The schema files present, e.g. "Device.json". */
    public static List<String> schemaFiles() {
        try (Stream<Path> files = Files.list(instance().dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Problems of {@code json} against the published schema {@code schemaFile} ("Device.json"); empty if valid. */
    public static List<String> errors(String schemaFile, String json) {
        return instance().validate(false, schemaFile, json);
    }

    /** As {@link #errors}, but properties the schema does not declare are problems too. */
    public static List<String> strictErrors(String schemaFile, String json) {
        return instance().validate(true, schemaFile, json);
    }

    /** Fails with every problem listed unless {@code json} is strictly valid against {@code schemaFile}. */
    public static void assertValid(String schemaFile, String json) {
        List<String> problems = strictErrors(schemaFile, json);
        if (!problems.isEmpty()) {
            throw new AssertionError("not valid against " + schemaFile + ":\n  " + String.join("\n  ", problems)
                    + "\nJSON: " + json);
        }
    }

    /** Serializes {@code value} with the shared mapper and asserts it is strictly valid against {@code schemaFile}. */
    public static String assertValid(String schemaFile, Object value) {
        String json = Json.writeString(value);
        assertValid(schemaFile, json);
        return json;
    }

    private List<String> validate(boolean strictMode, String schemaFile, String json) {
        requireNonNull(schemaFile, "schemaFile");
        requireNonNull(json, "json");
        if (!Files.isRegularFile(dir.resolve(schemaFile))) {
            throw new IllegalArgumentException("schemaFile: " + schemaFile + " (expected one of: " + schemaFiles()
                    + ")");
        }
        Schema schema = cache.computeIfAbsent((strictMode ? "strict:" : "published:") + schemaFile,
                k -> (strictMode ? strict : published).getSchema(SchemaLocation.of(BASE + schemaFile)));
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        return errors.stream().map(Error::toString).toList();
    }

    /** Adds "additionalProperties": false to every object schema that lists properties and says nothing else. */
    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            object.properties().forEach(e -> closeObjects(e.getValue()));
        } else if (node instanceof ArrayNode array) {
            array.forEach(DepSchemas::closeObjects);
        }
    }
}
