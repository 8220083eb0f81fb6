package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/** The declarations the server offers over declarative device management, and when they last changed. */
public interface StoredDeclarations {

    /** One declaration as served (JSON with Type, Identifier, ServerToken, Payload). */
    record Declaration(String identifier, String json) {
        public Declaration {
            requireNonNull(identifier, "identifier");
            requireNonNull(json, "json");
        }
    }

    /** @param changedAt null when nothing was ever stored */
    record Loaded(List<Declaration> declarations, Instant changedAt) {
        public Loaded {
            declarations = List.copyOf(declarations);
        }
    }

    /** Adds or replaces a declaration and sets the time of the last change; durable on return. */
    void put(Declaration declaration, Instant changedAt);

    /** Removes a declaration (if stored) and sets the time of the last change; durable on return. */
    void remove(String identifier, Instant changedAt);

    /** Every declaration, by identifier. */
    Loaded load();
}
