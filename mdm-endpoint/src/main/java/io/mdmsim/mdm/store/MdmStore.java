package io.mdmsim.mdm.store;

import java.nio.file.Path;

/**
 * Where the MDM keeps what it must not forget across a restart, by aggregate: server settings and keys ({@link
 * #meta()}), device enrollments with their command queues and history ({@link #devices()}), identity bindings
 * ({@link #bindings()}), SCEP challenges ({@link #challenges()}), declarations ({@link #declarations()}), DEP tokens
 * with their devices, profiles and add flows ({@link #dep()}) and the enrollment policy with its VPP tokens ({@link
 * #policy()}).
 *
 * <p>The services keep their state in memory and stay the truth while the server runs; they hand each change to the
 * store before they answer the request that caused it, and read everything back once, at start (the fake ABM's
 * {@code AbmStore} works the same way). Every write method returns only when the change is durable for the backend:
 * in memory, when it is visible to the next {@code load}; in SQLite, when its transaction is committed to disk. Writes
 * of unrelated keys never wait for each other's work, only for the disk (they are committed together).
 *
 * <p>Two backends: {@link #inMemory()} (the default; gone with the process) and {@link #open(Path)} (an SQLite
 * database in a private data directory). {@code MdmStoreContract} is the one behaviour suite both pass.
 */
public interface MdmStore extends AutoCloseable {

    /** A store that lives as long as the process. */
    static MdmStore inMemory() {
        return new InMemoryMdmStore();
    }

    /**
     * Opens (creating if needed) the SQLite store in {@code dir}: {@code dir} is made private (0700), the database
     * {@code dir/mdm.db} is 0600, and {@code dir/mdm.lock} keeps a second server off the same directory.
     *
     * @throws StoreException if the directory cannot be made or locked, or holds a database of another schema
     */
    static MdmStore open(Path dir) {
        return SqliteMdmStore.open(dir);
    }

    /** Where the state is kept, for logs and the admin API: {@code memory} or the database file. */
    String location();

    /** Whether the state survives the process (false for memory). */
    boolean persistent();

    StoredMeta meta();

    StoredDevices devices();

    StoredBindings bindings();

    StoredChallenges challenges();

    StoredDeclarations declarations();

    StoredDep dep();

    StoredPolicy policy();

    /** Waits for the writes in flight, then releases the store; later writes fail. */
    @Override
    void close();
}
