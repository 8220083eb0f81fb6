package io.mdmsim.mdm.store;

/**
 * A write handed to the store, in the order it was handed over, that may not be durable yet: a service hands its
 * change over while it holds its own lock (so changes of one aggregate reach the disk in the order they were made)
 * and waits for it after letting go (so nobody waits for another's disk write under that lock).
 */
@FunctionalInterface
public interface Commit {

    /** A write that is already durable. */
    Commit DONE = () -> { };

    /**
     * Returns when the write is durable.
     *
     * @throws StoreException if it failed; then nothing of it was written
     */
    void await();
}
