package io.mdmsim.scenarios.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mdmsim.scenarios.model.Where;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A scenario file's JSON tree with the position of every value: for a member of an object the position of its key,
 * for an element of an array the position of the element. Positions are found by JSON Pointer ({@code /load/rate}).
 * Reading is bounded: at most {@link #MAX_NODES} values, {@link #MAX_DEPTH} levels.
 */
public final class LocatedTree {

    public static final int MAX_NODES = 200_000;
    public static final int MAX_DEPTH = 32;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String file;
    private final JsonNode root;
    private final Map<String, Where> positions;

    private LocatedTree(String file, JsonNode root, Map<String, Where> positions) {
        this.file = file;
        this.root = root;
        this.positions = positions;
    }

    /** Reads YAML (or JSON, with {@code yaml} false); a syntax error is a {@link ScenarioException} with its place. */
    public static LocatedTree read(String file, String text, boolean yaml) {
        JsonFactory factory = (yaml ? YAMLFactory.builder() : JsonFactory.builder())
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .build();
        Map<String, Where> positions = new HashMap<>();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new ScenarioException(new Problem(new Where(file, 1, 1),
                        "the file is empty (expected: a scenario, e.g. 'populations:' and 'expect:')"));
            }
            Reader reader = new Reader(file, p, positions);
            positions.put("", where(file, p.currentTokenLocation()));
            JsonNode root = reader.value("");
            if (p.nextToken() != null) {
                throw new ScenarioException(new Problem(where(file, p.currentTokenLocation()),
                        "more than one document (expected: one scenario per file)"));
            }
            return new LocatedTree(file, root, positions);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
            // SnakeYAML's message has the problem lines unindented, its excerpts and marks indented
            String said = String.join("; ", msg.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                    .map(String::strip).toList());
            throw new ScenarioException(new Problem(where(file, e.getLocation()),
                    (said.isEmpty() ? msg.strip() : said) + " (expected: valid " + (yaml ? "YAML" : "JSON") + ")"));
        } catch (IOException e) {
            throw new ScenarioException(new Problem(Where.file(file), "cannot read: " + e.getMessage()));
        }
    }

    public JsonNode root() {
        return root;
    }

    public String file() {
        return file;
    }

    /** Where the value at this JSON Pointer is written; the nearest written parent if it is not. */
    public Where at(String pointer) {
        String p = pointer;
        while (true) {
            Where w = positions.get(p);
            if (w != null) {
                return w;
            }
            if (p.isEmpty()) {
                return Where.file(file);
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    /** A JSON Pointer segment escaped (~ and /). */
    public static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static Where where(String file, JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return Where.file(file);
        }
        return new Where(file, loc.getLineNr(), Math.max(1, loc.getColumnNr()));
    }

    /** Builds the tree token by token, recording positions. */
    private static final class Reader {
        private final String file;
        private final JsonParser p;
        private final Map<String, Where> positions;
        private int nodes;

        Reader(String file, JsonParser p, Map<String, Where> positions) {
            this.file = file;
            this.p = p;
            this.positions = positions;
        }

        /** The value at the current token. */
        JsonNode value(String pointer) throws IOException {
            if (++nodes > MAX_NODES) {
                throw new ScenarioException(new Problem(where(file, p.currentTokenLocation()),
                        "more than " + MAX_NODES + " values (expected: a smaller scenario)"));
            }
            JsonToken t = p.currentToken();
            switch (t) {
                case START_OBJECT -> {
                    ObjectNode o = NODES.objectNode();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        String child = pointer + "/" + escape(key);
                        Where keyAt = where(file, p.currentTokenLocation());
                        if (o.has(key)) {
                            throw new ScenarioException(new Problem(keyAt, "duplicate key '" + key
                                    + "' (expected: each key once; the first is at line " + positions.get(child).line()
                                    + ")"));
                        }
                        positions.put(child, keyAt);
                        p.nextToken();
                        o.set(key, value(child));
                    }
                    return o;
                }
                case START_ARRAY -> {
                    ArrayNode a = NODES.arrayNode();
                    int i = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        String child = pointer + "/" + i++;
                        positions.put(child, where(file, p.currentTokenLocation()));
                        a.add(value(child));
                    }
                    return a;
                }
                case VALUE_STRING -> {
                    return NODES.textNode(p.getText());
                }
                case VALUE_NUMBER_INT -> {
                    return switch (p.getNumberType()) {
                        case INT -> NODES.numberNode(p.getIntValue());
                        case LONG -> NODES.numberNode(p.getLongValue());
                        default -> NODES.numberNode(p.getBigIntegerValue());
                    };
                }
                case VALUE_NUMBER_FLOAT -> {
                    return NODES.numberNode(p.getDecimalValue());
                }
                case VALUE_TRUE -> {
                    return NODES.booleanNode(true);
                }
                case VALUE_FALSE -> {
                    return NODES.booleanNode(false);
                }
                case VALUE_NULL -> {
                    return NODES.nullNode();
                }
                default -> throw new ScenarioException(new Problem(where(file, p.currentTokenLocation()),
                        "unexpected " + t + " (expected: a value)"));
            }
        }
    }
}
