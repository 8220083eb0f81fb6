package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A map in insertion order that tells which keys were put or removed, however they were (put, remove, a view's
 * removeIf or iterator, an entry's setValue, clear), so that only those are written to the store.
 */
public final class TrackedMap<K, V> extends AbstractMap<K, V> {

    private final LinkedHashMap<K, V> entries = new LinkedHashMap<>();
    private final Consumer<? super K> changed;

    /** @param changed called with each key put, changed or removed */
    public TrackedMap(Consumer<? super K> changed) {
        this.changed = requireNonNull(changed, "changed");
    }

    @Override
    public V put(K key, V value) {
        changed.accept(key);
        return entries.put(key, value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        if (!entries.containsKey(key)) {
            return null;
        }
        changed.accept((K) key);
        return entries.remove(key);
    }

    @Override
    public V get(Object key) {
        return entries.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return entries.containsKey(key);
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public void clear() {
        entries.keySet().forEach(changed);
        entries.clear();
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return entries.size();
            }

            @Override
            public Iterator<Map.Entry<K, V>> iterator() {
                Iterator<Map.Entry<K, V>> it = entries.entrySet().iterator();
                return new Iterator<>() {
                    private Map.Entry<K, V> last;

                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Map.Entry<K, V> next() {
                        Map.Entry<K, V> e = it.next();
                        last = e;
                        return new SimpleEntry<>(e) {
                            @Override
                            public V setValue(V value) {
                                changed.accept(e.getKey());
                                super.setValue(value);
                                return e.setValue(value);
                            }
                        };
                    }

                    @Override
                    public void remove() {
                        it.remove();
                        changed.accept(last.getKey());
                    }
                };
            }
        };
    }
}
