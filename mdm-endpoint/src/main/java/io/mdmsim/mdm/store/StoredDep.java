package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * DEP server tokens: each token (its decrypted server token, key, sync state, cursor and enrollment profiles as
 * JSON), the serial numbers it knows with their DEP state, and the add flows with their key pairs.
 */
public interface StoredDep {

    /** @param json the token as the dep package writes it (secrets included: the store is private) */
    record Token(String name, String consumerKey, String json) {
        public Token {
            requireNonNull(name, "name");
            requireNonNull(consumerKey, "consumerKey");
            requireNonNull(json, "json");
        }
    }

    /**
     * A serial number of a token.
     *
     * @param held ABM assigns it to this server (the token's devices)
     * @param assigned the token's profile is assigned to it in ABM
     * @param profileUuid the profile an admin assigned to it, null for the token's default
     * @param removedAt when a sync found ABM released it ("Removed from ABM"), null otherwise
     * @param purgeAt when it is deleted after that release
     * @param deletedHere an admin deleted it here; only a full sync brings it back
     */
    record Device(String token, String serialNumber, boolean held, boolean assigned, String profileUuid,
            Instant removedAt, Instant purgeAt, boolean deletedHere) {
        public Device {
            requireNonNull(token, "token");
            requireNonNull(serialNumber, "serialNumber");
        }

        /** Nothing is known of it any more: saving it deletes it. */
        public boolean isEmpty() {
            return !held && !assigned && profileUuid == null && removedAt == null && purgeAt == null && !deletedHere;
        }
    }

    /** An add flow (the key pair an admin uploads to ABM for a new token) as JSON. */
    record Flow(String id, String json) {
        public Flow {
            requireNonNull(id, "id");
            requireNonNull(json, "json");
        }
    }

    /** Tokens and flows in the order they were first stored; devices by token, then in the order first stored. */
    record Loaded(List<Token> tokens, List<Device> devices, List<Flow> flows) {
        public Loaded {
            tokens = List.copyOf(tokens);
            devices = List.copyOf(devices);
            flows = List.copyOf(flows);
        }
    }

    /**
     * Writes a token and those of its serial numbers that changed (an {@linkplain Device#isEmpty() empty} one is
     * deleted) in one transaction; durable on return.
     *
     * @throws IllegalArgumentException if a device belongs to another token
     */
    void save(Token token, List<Device> changedDevices);

    /** Deletes a token and its serial numbers; durable on return. */
    void delete(String tokenName);

    /** Adds or replaces an add flow; durable on return. */
    void saveFlow(Flow flow);

    Loaded load();
}
