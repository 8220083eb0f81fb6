package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.function.Consumer;

/**
 * A set in insertion order that tells which elements were added or removed, however they were (add, remove,
 * removeIf, an iterator's remove, clear), so that only those are written to the store.
 */
public final class TrackedSet<E> extends AbstractSet<E> {

    private final LinkedHashSet<E> elements = new LinkedHashSet<>();
    private final Consumer<? super E> changed;

    /** @param changed called with each element added or removed */
    public TrackedSet(Consumer<? super E> changed) {
        this.changed = requireNonNull(changed, "changed");
    }

    @Override
    public boolean add(E e) {
        boolean added = elements.add(e);
        if (added) {
            changed.accept(e);
        }
        return added;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(Object o) {
        boolean removed = elements.remove(o);
        if (removed) {
            changed.accept((E) o);
        }
        return removed;
    }

    @Override
    public boolean contains(Object o) {
        return elements.contains(o);
    }

    @Override
    public int size() {
        return elements.size();
    }

    @Override
    public void clear() {
        elements.forEach(changed);
        elements.clear();
    }

    @Override
    public Iterator<E> iterator() {
        Iterator<E> it = elements.iterator();
        return new Iterator<>() {
            private E last;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public E next() {
                last = it.next();
                return last;
            }

            @Override
            public void remove() {
                it.remove();
                changed.accept(last);
            }
        };
    }
}
