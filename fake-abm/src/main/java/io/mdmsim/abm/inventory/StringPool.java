package io.mdmsim.abm.inventory;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.state.AbmState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interned strings addressed by an int id, so columns of repeated values (colors, descriptions, OS versions, order
 * numbers) cost four bytes per device. Not thread-safe; {@link AbmState} guards it.
 */
public final class StringPool {

    public static final int NONE = -1;

    private final List<String> values = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();

    /** The id of {@code s} (added if new); {@link #NONE} for null. */
    public int id(String s) {
        if (s == null) {
            return NONE;
        }
        Integer id = ids.get(s);
        if (id != null) {
            return id;
        }
        int next = values.size();
        values.add(s);
        ids.put(s, next);
        return next;
    }

    /** The string of an id; null for {@link #NONE}. */
    public String get(int id) {
        return id == NONE ? null : values.get(id);
    }

    int size() {
        return values.size();
    }

    /** For tests of compactness: the number of distinct strings. */
    boolean contains(String s) {
        return ids.containsKey(requireNonNull(s, "s"));
    }
}
