package io.mdmsim.scenarios.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.mdmsim.scenarios.model.Where;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The scenario JSON Schema shipped in the jar ({@code mdmsim/scenario.schema.json}, draft 2020-12), applied with
 * networknt's json-schema-validator. Its errors become {@link Problem}s in words: the key path, what was there and
 * what was expected (the schema's {@code x-expected} annotation where it has one).
 */
public final class ScenarioSchema {

    /** Where the schema is in the jar. */
    public static final String RESOURCE = "mdmsim/scenario.schema.json";

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;

    private static final class Holder {
        static final ScenarioSchema INSTANCE = new ScenarioSchema();
    }

    private final String text;
    private final JsonNode tree;
    private final Schema schema;

    private ScenarioSchema() {
        try (InputStream in = ScenarioSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            tree = JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(text, InputFormat.JSON);
    }

    public static ScenarioSchema get() {
        return Holder.INSTANCE;
    }

    /** The schema's text, as shipped. */
    public String text() {
        return text;
    }

    /** Every schema violation of the tree, in words, at its place. */
    public List<Problem> check(LocatedTree located) {
        String json;
        try {
            json = JSON.writeValueAsString(located.root());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        Set<String> seen = new LinkedHashSet<>();
        List<Problem> problems = new ArrayList<>();
        for (Error e : errors) {
            if (insideOneOfBranch(e)) {
                continue; // the oneOf's own error says it in one line
            }
            String pointer = pointer(e);
            String key = e.getKeyword();
            if (key.equals("additionalProperties") || key.equals("propertyNames")) {
                pointer = pointer + "/" + LocatedTree.escape(e.getProperty());
            }
            Problem p = new Problem(located.at(pointer), describe(e, located, pointer));
            if (seen.add(p.toString())) {
                problems.add(p);
            }
        }
        return problems;
    }

    private static boolean insideOneOfBranch(Error e) {
        String path = e.getEvaluationPath().toString();
        int oneOf = path.indexOf("oneOf");
        return oneOf >= 0 && !(e.getKeyword().equals("oneOf") && path.lastIndexOf("oneOf") == oneOf
                && path.endsWith("oneOf"));
    }

    private String describe(Error e, LocatedTree located, String pointer) {
        String at = dotted(pointer);
        JsonNode value = nodeAt(located.root(), pointer);
        String fragment = pointerOf(e.getSchemaLocation().getFragment());
        JsonNode schemaNode = schemaAt(fragment);
        JsonNode parent = schemaAt(parentFragment(fragment));
        String expected = expected(parent);
        String keyword = e.getKeyword();
        if (expected != null && List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
                "pattern").contains(keyword)) {
            return at + ": " + show(value) + " (expected: " + expected + ")";
        }
        return switch (keyword) {
            case "additionalProperties" -> at + ": unknown key (expected: one of "
                    + String.join(", ", keys(parent.path("properties"))) + ")";
            case "propertyNames" -> at + ": unknown name (expected: " + (expected(schemaNode.isObject() ? schemaNode
                    : parent) != null ? expected(schemaNode) : names(schemaNode, parent)) + ")";
            case "required" -> (at.isEmpty() ? "" : at + ": ") + "missing key '" + e.getProperty() + "'"
                    + describedAs(parent.path("properties").path(e.getProperty()));
            case "type" -> at + ": " + show(value) + " (expected: " + (expected != null ? expected
                    : "a " + typeWords(schemaNode)) + ")";
            case "enum" -> at + ": " + show(value) + " (expected: one of " + enumWords(schemaNode) + ")";
            case "const" -> at + ": " + show(value) + " (expected: " + (expected != null ? expected
                    : schemaNode.asText()) + ")";
            case "oneOf" -> at + ": " + (expected != null ? show(value) + " (expected: " + expected + ")"
                    : e.getMessage());
            case "minimum" -> at + ": " + show(value) + " (expected: at least " + schemaNode.asText() + ")";
            case "maximum" -> at + ": " + show(value) + " (expected: at most " + schemaNode.asText() + ")";
            case "exclusiveMinimum" -> at + ": " + show(value) + " (expected: more than " + schemaNode.asText() + ")";
            case "exclusiveMaximum" -> at + ": " + show(value) + " (expected: less than " + schemaNode.asText() + ")";
            case "minItems" -> at + ": " + value.size() + " entries (expected: at least " + schemaNode.asText() + ")";
            case "maxItems" -> at + ": " + value.size() + " entries (expected: at most " + schemaNode.asText() + ")";
            case "minLength" -> at + ": " + show(value) + " (expected: at least " + schemaNode.asText()
                    + " characters)";
            case "maxLength" -> at + ": " + value.asText().length() + " characters (expected: at most "
                    + schemaNode.asText() + ")";
            case "minProperties", "maxProperties" -> at + ": " + (expected != null ? "(expected: " + expected + ")"
                    : e.getMessage());
            default -> at + ": " + show(value) + " (expected: " + (expected != null ? expected
                    : e.getMessage().replaceFirst("^\\$[^:]*: ", "")) + ")";
        };
    }

    private static String describedAs(JsonNode property) {
        String d = property.path("description").asText("");
        return d.isEmpty() ? "" : " (expected: " + d.replaceAll("\\.$", "") + ")";
    }

    private String names(JsonNode schemaNode, JsonNode parent) {
        if (schemaNode.has("$ref")) {
            schemaNode = schemaAt(schemaNode.get("$ref").asText().replaceFirst("^#", ""));
        }
        JsonNode en = schemaNode.path("enum");
        if (en.isArray()) {
            return "one of " + enumWords(schemaNode);
        }
        return String.valueOf(parent.path("description").asText("a known name"));
    }

    /** The x-expected annotation of the schema object the failing keyword belongs to, or of its $ref target. */
    private String expected(JsonNode schemaObject) {
        if (schemaObject == null || !schemaObject.isObject()) {
            return null;
        }
        if (schemaObject.has("x-expected")) {
            return schemaObject.get("x-expected").asText();
        }
        if (schemaObject.has("$ref")) {
            return expected(schemaAt(schemaObject.get("$ref").asText().replaceFirst("^#", "")));
        }
        return null;
    }

    private JsonNode schemaAt(String fragment) {
        return fragment.isEmpty() ? tree : tree.at(fragment);
    }

    private static String parentFragment(String fragment) {
        int slash = fragment.lastIndexOf('/');
        return slash <= 0 ? "" : fragment.substring(0, slash);
    }

    private static String pointer(Error e) {
        return pointerOf(e.getInstanceLocation());
    }

    private static String pointerOf(com.networknt.schema.path.NodePath path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            sb.append('/').append(element instanceof Integer n ? n.toString() : LocatedTree.escape(element.toString()));
        }
        return sb.toString();
    }

    /** "/populations/0/behaviour" as "populations[0].behaviour". */
    static String dotted(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String seg : pointer.split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            String s = seg.replace("~1", "/").replace("~0", "~");
            if (s.matches("\\d+")) {
                sb.append('[').append(s).append(']');
            } else {
                sb.append(sb.isEmpty() ? "" : ".").append(s);
            }
        }
        return sb.toString();
    }

    private static JsonNode nodeAt(JsonNode root, String pointer) {
        return pointer.isEmpty() ? root : root.at(pointer);
    }

    static String show(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "(missing)";
        }
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "a list";
        }
        return v.toString();
    }

    private static List<String> keys(JsonNode properties) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    private static String enumWords(JsonNode schemaNode) {
        List<String> out = new ArrayList<>();
        JsonNode values = schemaNode.isArray() ? schemaNode : schemaNode.path("enum");
        for (JsonNode v : values) {
            out.add(v.isTextual() ? v.asText() : v.toString());
        }
        return String.join(", ", out);
    }

    private static String typeWords(JsonNode schemaNode) {
        String t = schemaNode.isArray() ? schemaNode.get(0).asText() : schemaNode.asText();
        return switch (t) {
            case "integer" -> "whole number";
            case "number" -> "number";
            case "string" -> "text";
            case "boolean" -> "true or false";
            case "array" -> "list";
            case "object" -> "map of keys";
            default -> t;
        };
    }

    /** Where a problem of the whole file is reported. */
    static Where fileWhere(LocatedTree t) {
        return t.at("");
    }
}
