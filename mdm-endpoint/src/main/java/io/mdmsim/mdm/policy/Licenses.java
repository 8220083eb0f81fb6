package io.mdmsim.mdm.policy;

import io.mdmsim.mdm.store.TrackedSet;
import java.util.List;
import java.util.Set;

/** A licence pool: {@code total} null is unlimited. */
public final class Licenses {
    public Integer total;
    public final Set<String> holders;

    Licenses(java.util.function.Consumer<String> changed) {
        this.holders = new TrackedSet<>(changed);
    }

    public Integer available() {
        return total == null ? null : Math.max(0, total - holders.size());
    }

    boolean exhausted() {
        return total != null && holders.size() >= total;
    }

    /**
     * The pool as the admin API shows it: {@code total} and {@code available} are a number, or "unlimited".
     */
    public record View(Object total, int used, Object available, List<String> holders) {
    }

    public View view() {
        return new View(total == null ? "unlimited" : total, holders.size(), total == null ? "unlimited" : available(),
                List.copyOf(holders));
    }
}
