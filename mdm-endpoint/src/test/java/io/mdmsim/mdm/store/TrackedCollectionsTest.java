package io.mdmsim.mdm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every way of changing a tracked set or map says which element or key changed; reading says nothing. */
class TrackedCollectionsTest {

    @Test
    void everyChangeOfASetIsTold() {
        List<String> changed = new ArrayList<>();
        Set<String> set = new TrackedSet<>(changed::add);
        set.add("a");
        set.add("a"); // already there: no change
        set.addAll(List.of("b", "c", "d", "e"));
        set.remove("x"); // not there: no change
        set.remove("a");
        set.removeIf("b"::equals);
        Iterator<String> it = set.iterator();
        it.next();
        it.remove(); // c
        set.retainAll(List.of("e"));
        assertEquals(List.of("a", "b", "c", "d", "e", "a", "b", "c", "d"), changed);
        assertEquals(List.of("e"), List.copyOf(set));
        changed.clear();
        set.contains("e");
        set.size();
        set.forEach(v -> { });
        assertEquals(List.of(), changed, "reading is no change");
        set.clear();
        assertEquals(List.of("e"), changed);
    }

    @Test
    void everyChangeOfAMapIsTold() {
        List<String> changed = new ArrayList<>();
        Map<String, Instant> map = new TrackedMap<>(changed::add);
        Instant t = Instant.parse("2026-03-02T09:00:00Z");
        map.put("a", t);
        map.putAll(Map.of("b", t));
        map.computeIfAbsent("c", k -> t);
        map.merge("a", t.plusSeconds(1), (x, y) -> y);
        map.remove("missing");
        map.entrySet().removeIf(e -> e.getKey().equals("b"));
        map.values().removeIf(v -> v.equals(t)); // c
        map.put("d", t);
        map.keySet().remove("d");
        map.put("e", t);
        map.entrySet().iterator().next().setValue(t.plusSeconds(2)); // a
        map.replaceAll((k, v) -> v); // a, e
        assertEquals(List.of("a", "b", "c", "a", "b", "c", "d", "d", "e", "a", "a", "e"), changed);
        assertEquals(Map.of("a", t.plusSeconds(2), "e", t), Map.copyOf(map));
        changed.clear();
        map.get("a");
        map.containsKey("e");
        map.forEach((k, v) -> { });
        assertEquals(List.of(), changed, "reading is no change");
        map.clear();
        assertEquals(List.of("a", "e"), changed);
    }
}
