package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The declarations a device holds (ADM declarative/protocol: tokensresponse.yaml, declarationitemsresponse.yaml) and
 * the outcome of its last synchronization.
 */
public final class DeclarativeState {

    /**
     * One declaration as fetched from {@code declaration/<kind>/<identifier>}.
     *
     * @param kind "activation", "configuration", "asset" or "management"
     */
    public record Declaration(String kind, String identifier, String serverToken, String type, JsonNode json) {
        public Declaration {
            requireNonNull(kind, "kind");
            requireNonNull(identifier, "identifier");
            requireNonNull(serverToken, "serverToken");
        }
    }

    private final Map<String, Declaration> declarations = new LinkedHashMap<>();
    private String declarationsToken;
    private int syncs;
    private int statusReports;
    private String lastError;

    public Collection<Declaration> declarations() {
        return Collections.unmodifiableCollection(declarations.values());
    }

    public Declaration declaration(String identifier) {
        return declarations.get(identifier);
    }

    public void put(Declaration d) {
        declarations.put(d.identifier(), d);
    }

    public void retainOnly(Collection<String> identifiers) {
        declarations.keySet().retainAll(identifiers);
    }

    public String declarationsToken() {
        return declarationsToken;
    }

    public void declarationsToken(String token) {
        this.declarationsToken = token;
    }

    public int syncs() {
        return syncs;
    }

    public int statusReports() {
        return statusReports;
    }

    /** Why the last synchronization stopped, null if it completed. */
    public String lastError() {
        return lastError;
    }

    public void synced(String error) {
        syncs++;
        lastError = error;
    }

    public void statusSent() {
        statusReports++;
    }
}
