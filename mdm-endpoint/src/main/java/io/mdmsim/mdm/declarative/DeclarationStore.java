package io.mdmsim.mdm.declarative;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.store.MdmStore;
import io.mdmsim.mdm.store.StoredDeclarations;
import io.mdmsim.mdm.store.StoredJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The declarations this server offers to every device over declarative device management (Apple
 * {@code declarative/protocol/*.yaml}, {@code declarative/declarations/}): the tokens, the manifest of
 * declaration items, and each declaration by type and identifier. Thread-safe. Every change is written to the store
 * before it is answered, and the declarations are read back from it at start.
 */
public final class DeclarationStore {

    /** The four kinds of declaration, from the prefix of their Type, with their manifest key and URL segment. */
    public enum Kind {
        ACTIVATION("com.apple.activation.", "Activations", "activation"),
        CONFIGURATION("com.apple.configuration.", "Configurations", "configuration"),
        ASSET("com.apple.asset.", "Assets", "asset"),
        MANAGEMENT("com.apple.management.", "Management", "management");

        final String typePrefix;
        final String manifestKey;
        public final String segment;

        Kind(String typePrefix, String manifestKey, String segment) {
            this.typePrefix = typePrefix;
            this.manifestKey = manifestKey;
            this.segment = segment;
        }

        static Optional<Kind> ofType(String type) {
            for (Kind k : values()) {
                if (type.startsWith(k.typePrefix) && type.length() > k.typePrefix.length()) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }

        public static Optional<Kind> ofSegment(String segment) {
            for (Kind k : values()) {
                if (k.segment.equals(segment)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** One declaration: its JSON as served (Type, Identifier, ServerToken, Payload). */
    public record Declaration(Kind kind, String type, String identifier, String serverToken, ObjectNode json) {}

    private final SimClock clock;
    private final Map<String, Declaration> byIdentifier = new TreeMap<>();
    private final StoredDeclarations store;
    private final java.util.concurrent.locks.ReentrantLock writes = new java.util.concurrent.locks.ReentrantLock();
    private Instant changedAt;

    /** Declarations of their own, in memory (tests). */
    public DeclarationStore(SimClock clock) {
        this(clock, MdmStore.inMemory().declarations());
    }

    /** The declarations {@code store} holds; changes are written to it. */
    public DeclarationStore(SimClock clock, StoredDeclarations store) {
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
        StoredDeclarations.Loaded loaded = store.load();
        for (StoredDeclarations.Declaration d : loaded.declarations()) {
            Declaration decl = declaration(StoredJson.read(d.json(), JsonNode.class));
            byIdentifier.put(decl.identifier(), decl);
        }
        this.changedAt = loaded.changedAt() != null ? loaded.changedAt() : clock.now();
    }

    /**
     * Adds or replaces a declaration. {@code ServerToken} is computed over the content when absent.
     *
     * @throws BadInputException when Type, Identifier or Payload are missing or of the wrong kind
     */
    public Declaration put(JsonNode node) {
        Declaration d = declaration(node);
        writes.lock(); // changes reach the store in order; devices reading declarations do not wait for the disk
        try {
            Instant now = clock.now();
            store.put(new StoredDeclarations.Declaration(d.identifier(), Json.writeString(d.json())), now);
            synchronized (this) {
                byIdentifier.put(d.identifier(), d);
                changedAt = now;
            }
        } finally {
            writes.unlock();
        }
        return d;
    }

    /** A declaration from its JSON, checked; ServerToken computed when absent. */
    private static Declaration declaration(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new BadInputException("declaration: " + (node == null ? "null" : node.getNodeType())
                    + " (expected: a JSON object {\"Type\", \"Identifier\", \"Payload\"})");
        }
        ObjectNode json = ((ObjectNode) node).deepCopy();
        String type = text(json, "Type");
        String identifier = text(json, "Identifier");
        Kind kind = Kind.ofType(type).orElseThrow(() -> new BadInputException("declaration Type: " + type
                + " (expected: com.apple.activation.*, com.apple.configuration.*, com.apple.asset.* or"
                + " com.apple.management.*)"));
        if (!json.path("Payload").isObject()) {
            throw new BadInputException("declaration " + identifier + ": Payload is "
                    + json.path("Payload").getNodeType() + " (expected: a JSON object)");
        }
        if (!json.hasNonNull("ServerToken")) {
            json.remove("ServerToken");
            json.put("ServerToken", sha256(Json.write(json)).substring(0, 16));
        } else if (!json.get("ServerToken").isTextual()) {
            throw new BadInputException("declaration " + identifier + ": ServerToken is "
                    + json.get("ServerToken").getNodeType() + " (expected: a string)");
        }
        return new Declaration(kind, type, identifier, json.get("ServerToken").asText(), json);
    }

    public boolean remove(String identifier) {
        writes.lock();
        try {
            synchronized (this) {
                if (!byIdentifier.containsKey(identifier)) {
                    return false;
                }
            }
            Instant now = clock.now();
            store.remove(identifier, now);
            synchronized (this) {
                byIdentifier.remove(identifier);
                changedAt = now;
            }
            return true;
        } finally {
            writes.unlock();
        }
    }

    public synchronized List<Declaration> all() {
        return List.copyOf(byIdentifier.values());
    }

    public synchronized Optional<Declaration> get(Kind kind, String identifier) {
        Declaration d = byIdentifier.get(identifier);
        return d != null && d.kind() == kind ? Optional.of(d) : Optional.empty();
    }

    /** Changes whenever any declaration changes: a digest over every identifier and its ServerToken. */
    synchronized String declarationsToken() {
        StringBuilder s = new StringBuilder();
        byIdentifier.values().forEach(d -> s.append(d.identifier()).append('\0').append(d.serverToken()).append('\n'));
        return sha256(s.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    }

    /** {@code tokensresponse.yaml}: {@code {SyncTokens: {DeclarationsToken, Timestamp}}}. */
    public synchronized Map<String, Object> tokens() {
        Map<String, Object> sync = new LinkedHashMap<>();
        sync.put("DeclarationsToken", declarationsToken());
        sync.put("Timestamp", changedAt.toString());
        return Map.of("SyncTokens", sync);
    }

    /** {@code declarationitemsresponse.yaml}: the manifest of every declaration by kind, and the token. */
    public synchronized Map<String, Object> items() {
        Map<String, Object> manifest = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            List<Map<String, String>> list = new ArrayList<>();
            for (Declaration d : byIdentifier.values()) {
                if (d.kind() == k) {
                    list.add(Map.of("Identifier", d.identifier(), "ServerToken", d.serverToken()));
                }
            }
            manifest.put(k.manifestKey, list);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Declarations", manifest);
        out.put("DeclarationsToken", declarationsToken());
        return out;
    }

    private static String text(ObjectNode json, String key) {
        JsonNode v = json.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadInputException("declaration " + key + ": " + (v == null ? "missing" : v.toString())
                    + " (expected: a non-empty string)");
        }
        return v.asText();
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
