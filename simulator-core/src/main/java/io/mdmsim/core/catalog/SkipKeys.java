package io.mdmsim.core.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Setup Assistant skip keys ({@code skip_setup_items} of a DEP profile, {@code SkipSetup} of the cloud
 * configuration), one table for the whole simulator, read from the data file {@value #RESOURCE} beside this class:
 * every key of Apple's {@code other/skipkeys.yaml} with its title, the iOS version that introduced it (null: not on
 * iOS), the iOS version that deprecated it and whether it is always skippable; then the keys of later Apple releases
 * that current MDM servers already send, and retired keys still seen in the wild. The fake ABM refuses any other key
 * with {@code SKIP_SETUP_ITEM_INVALID}; the MDM refuses it when a profile is saved; the virtual devices read when a
 * key hides its pane.
 */
public final class SkipKeys {

    static final String RESOURCE = "skipkeys.json";

    /** Where a key comes from. */
    public enum Origin {
        /** Apple's other/skipkeys.yaml. */
        ADM,
        /** A later Apple release than the vendored schemas. */
        NEWER,
        /** Retired, still accepted. */
        LEGACY
    }

    /**
     * One skip key.
     *
     * @param title           skipkeys.yaml's title (null for keys not in it)
     * @param ios             the iOS version that introduced the key, null when it is not an iOS key (or unknown)
     * @param iosDeprecated   the iOS version from which the pane it skips is gone, null if still shown
     * @param alwaysSkippable false for keys skipkeys.yaml marks {@code always-skippable: false} (their panes come
     *                        before the cloud configuration)
     */
    public record SkipKey(String key, String title, String ios, String iosDeprecated, boolean alwaysSkippable,
                          Origin origin) {
        public SkipKey {
            requireNonNull(key, "key");
            requireNonNull(origin, "origin");
        }

        /** Whether the key applies to iOS/iPadOS. */
        public boolean onIos() {
            return ios != null;
        }
    }

    record Data(List<SkipKey> keys) {
    }

    private static final Map<String, SkipKey> KEYS = index(load());

    /** The error code ABM answers an unknown key with. */
    public static final String INVALID = "SKIP_SETUP_ITEM_INVALID";

    private SkipKeys() {
    }

    /** Every key, Apple's first, in file order. */
    public static List<SkipKey> all() {
        return List.copyOf(KEYS.values());
    }

    public static Optional<SkipKey> find(String key) {
        return Optional.ofNullable(KEYS.get(key));
    }

    public static boolean isKnown(String key) {
        return KEYS.containsKey(key);
    }

    /** Why {@code key} cannot be a skip key, or empty when it can: the message names it and what is expected. */
    public static Optional<String> problem(String key) {
        if (key != null && isKnown(key)) {
            return Optional.empty();
        }
        return Optional.of("skip_setup_items: unknown key '" + key
                + "' (expected: a key of Apple's skipkeys.yaml, e.g. Siri, Location, AppleID)");
    }

    static List<SkipKey> load() {
        try (InputStream in = SkipKeys.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the skip key table " + RESOURCE + " is missing beside "
                        + SkipKeys.class.getName());
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the skip key table " + RESOURCE + " cannot be read: " + e.getMessage(), e);
        }
    }

    static List<SkipKey> read(InputStream in) throws IOException {
        Data data = new ObjectMapper().readValue(in, Data.class);
        if (data.keys() == null || data.keys().isEmpty()) {
            throw new IOException("expected a non-empty \"keys\" array");
        }
        return data.keys();
    }

    private static Map<String, SkipKey> index(List<SkipKey> keys) {
        Map<String, SkipKey> m = new LinkedHashMap<>();
        for (SkipKey k : keys) {
            if (m.put(k.key(), k) != null) {
                throw new IllegalStateException("skip key " + k.key() + " appears twice in " + RESOURCE);
            }
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
