package io.mdmsim.mdm.store;

import java.util.Map;
import java.util.Optional;

/**
 * Small named values of the server: the DEP token key pair, the SCEP CA it made itself, how often it started, the
 * enrollment policy's settings. Keys are short ASCII names; values are text (PEM, JSON, numbers).
 */
public interface StoredMeta {

    Optional<String> get(String key);

    /** Sets {@code key}; durable on return. */
    void put(String key, String value);

    /** Every value, by key. */
    Map<String, String> all();
}
