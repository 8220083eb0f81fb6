package io.mdmsim.mdm.policy;

import io.mdmsim.mdm.store.TrackedSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", total == null ? "unlimited" : total);
        m.put("used", holders.size());
        m.put("available", total == null ? "unlimited" : available());
        m.put("holders", List.copyOf(holders));
        return m;
    }
}
