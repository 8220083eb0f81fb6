package io.mdmsim.mdm.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.testing.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite backend against the shared suite, and what only it has: files, modes, the lock, group commit. */
class SqliteMdmStoreTest extends MdmStoreContract {

    @TempDir
    Path tmp;

    Path dir() {
        return tmp.resolve("data");
    }

    @Override
    MdmStore create() {
        return MdmStore.open(dir());
    }

    @Override
    MdmStore reopen(MdmStore closed) {
        return MdmStore.open(dir());
    }

    @Test
    void theDirectoryAndItsFilesArePrivate() throws Exception {
        store.devices().save(device("A", "ENROLLED", "{}"), List.of());
        assertEquals("rwx------", mode(dir()));
        assertEquals("rw-------", mode(dir().resolve("mdm.db")));
        assertEquals("rw-------", mode(dir().resolve("mdm.db-wal")), "SQLite gives the WAL the database's mode");
        assertEquals("rw-------", mode(dir().resolve("mdm.lock")));
        assertEquals(dir().resolve("mdm.db").toString(), store.location());
        assertTrue(store.persistent());
    }

    @Test
    void anExistingDirectoryOpenToOthersIsMadePrivate() throws Exception {
        store.close();
        Files.setPosixFilePermissions(dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir().resolve("mdm.db"), PosixFilePermissions.fromString("rw-r--r--"));
        store = MdmStore.open(dir());
        assertEquals("rwx------", mode(dir()));
        assertEquals("rw-------", mode(dir().resolve("mdm.db")));
    }

    @Test
    void aSecondServerOnTheSameDirectoryIsRefused() {
        StoreException e = assertThrows(StoreException.class, () -> MdmStore.open(dir()));
        assertEquals("data directory " + dir() + " is in use by another MDM server (pid " + ProcessHandle.current()
                .pid() + ") (expected: one server per data directory; stop it or choose another --data-dir)",
                e.getMessage());
        store.meta().put("still", "usable");
    }

    @Test
    void aFileIsNotADataDirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        StoreException e = assertThrows(StoreException.class, () -> MdmStore.open(file));
        assertEquals("data directory " + file + " is a file (expected: a directory, or a path that does not exist"
                + " yet)", e.getMessage());
    }

    @Test
    void aDatabaseOfAnotherSchemaIsRefusedAndTheDirectoryIsNotLeftLocked() throws Exception {
        store.close();
        setSchemaVersion("99");
        StoreException e = assertThrows(StoreException.class, () -> MdmStore.open(dir()));
        assertEquals(dir().resolve("mdm.db") + ": schema version 99 (expected: 1; this mdmsim cannot read it, use"
                + " another --data-dir)", e.getMessage());
        setSchemaVersion("1");
        store = MdmStore.open(dir());
        store.meta().put("opened", "again");
    }

    private void setSchemaVersion(String version) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir().resolve("mdm.db"));
                Statement st = c.createStatement()) {
            st.execute("UPDATE meta SET value = '" + version + "' WHERE key = 'schema_version'");
        }
    }

    @Test
    void aDatabaseMadeBeforeTheSuccessorColumnGetsIt() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir().resolve("mdm.db"));
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE identity_bindings");
            st.execute("CREATE TABLE identity_bindings (fingerprint TEXT PRIMARY KEY, enrollment_id TEXT NOT NULL,"
                    + " bound_at TEXT NOT NULL)");
            st.execute("INSERT INTO identity_bindings VALUES ('aa', 'UDID-1', '2026-03-02T09:00:00Z')");
        }
        store = MdmStore.open(dir());
        assertEquals(List.of(new StoredBindings.Binding("aa", "UDID-1", T, false)), store.bindings().loadAll());
        store.bindings().put(new StoredBindings.Binding("bb", "UDID-1", T, true));
        assertEquals(2, store.bindings().loadAll().size());
    }

    @Test
    void aWriteIsCommittedWhenItReturnsAsTheSqlite3ShellSees() {
        Path sqlite3 = ExternalTools.require("sqlite3", "sqlite3");
        store.devices().save(device("UDID-1", "ENROLLED", "{\"deviceName\":\"iPhone\"}"),
                List.of(command("UDID-1", 0, "C-1", "QUEUED")));
        store.dep().save(new StoredDep.Token("token-1", "CK1", "{}"), List.of(held("token-1", "S1")));
        // another process reads the database while this store keeps it open
        String out = ExternalTools.run(null, sqlite3, "-separator", " ", dir().resolve("mdm.db"),
                "SELECT enrollment_id, enrollment_state, json_extract(record_json, '$.deviceName') FROM devices;"
                        + " SELECT command_uuid, state, length(plist) FROM commands;"
                        + " SELECT token, serial_number, held FROM dep_devices;"
                        + " PRAGMA journal_mode; PRAGMA synchronous;").stdoutText();
        assertEquals("UDID-1 ENROLLED iPhone\nC-1 QUEUED 3\ntoken-1 S1 1\nwal\n2\n", out);
    }

    @Test
    void writesThatArriveTogetherShareOneCommit() throws Exception {
        GroupCommit db = ((SqliteMdmStore) store).groupCommit();
        long before = db.commits();
        CountDownLatch writerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int writers = 40;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // hold the writer thread so that the next writes queue up behind it
            Future<?> holder = pool.submit(() -> db.run("hold", c -> {
                writerBusy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            }));
            writerBusy.await();
            List<Future<?>> saves = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String id = "D-" + i;
                saves.add(pool.submit(() -> {
                    store.devices().save(device(id, "ENROLLED", "{}"), List.of(command(id, 0, "C-" + id, "QUEUED")));
                    return null;
                }));
            }
            await().until(() -> db.queued() == writers);
            release.countDown();
            holder.get();
            for (Future<?> f : saves) {
                f.get();
            }
        }
        assertEquals(2, db.commits() - before, "one commit for the held piece, one for the forty writes behind it");
        assertEquals(writers, store.devices().count());
    }

    @Test
    void aFailingWriteFailsAloneAndTheOthersOfItsCommitAreKept() throws Exception {
        GroupCommit db = ((SqliteMdmStore) store).groupCommit();
        CountDownLatch writerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> holder = pool.submit(() -> db.run("hold", c -> {
                writerBusy.countDown();
                release.await();
                return null;
            }));
            writerBusy.await();
            Future<?> good = pool.submit(() -> {
                store.meta().put("good", "1");
                return null;
            });
            Future<?> bad = pool.submit(() -> db.run("write into a table that does not exist", c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO nowhere VALUES (1)");
                }
                return null;
            }));
            await().until(() -> db.queued() == 2);
            release.countDown();
            holder.get();
            good.get();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    bad::get);
            assertTrue(e.getCause() instanceof StoreException, e.toString());
            assertTrue(e.getCause().getMessage().startsWith(dir().resolve("mdm.db") + ": cannot write into a table"
                    + " that does not exist: "), e.getCause().getMessage());
        }
        restart();
        assertEquals(java.util.Optional.of("1"), store.meta().get("good"));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
