package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MDM's state in one SQLite database, {@code <data-dir>/mdm.db}, readable with the {@code sqlite3} shell (while
 * the server runs too: WAL mode). Every write is committed with {@code synchronous=FULL} before it returns; writes
 * that arrive together share one commit ({@link GroupCommit}). Tables: {@code meta}, {@code devices}, {@code
 * commands}, {@code identity_bindings}, {@code scep_challenges}, {@code declarations}, {@code dep_tokens}, {@code
 * dep_devices}, {@code dep_add_flows}, {@code policy_members}; docs/mdm-endpoint.md describes every column.
 */
final class SqliteMdmStore implements MdmStore {

    static final String FILE_NAME = "mdm.db";
    static final int SCHEMA_VERSION = 1;
    static final String DECLARATIONS_CHANGED_AT = "declarations_changed_at";

    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS identity_bindings (
          fingerprint TEXT PRIMARY KEY, enrollment_id TEXT NOT NULL, bound_at TEXT NOT NULL,
          successor INTEGER NOT NULL DEFAULT 0)""",
        """
        CREATE TABLE IF NOT EXISTS scep_challenges (
          digest TEXT PRIMARY KEY, udid TEXT, minted_at TEXT NOT NULL, expires_at TEXT NOT NULL, spent INTEGER NOT NULL)""",
        "CREATE TABLE IF NOT EXISTS declarations (identifier TEXT PRIMARY KEY, declaration_json TEXT NOT NULL)",
    };

    private final DataDirectory dir;
    private final Path file;
    private final GroupCommit db;
    private final SqliteDevices devices;
    private final SqliteDep dep;
    private final SqlitePolicy policy;

    private SqliteMdmStore(DataDirectory dir, Path file, GroupCommit db) {
        this.dir = dir;
        this.file = file;
        this.db = db;
        this.devices = new SqliteDevices(db);
        this.dep = new SqliteDep(db);
        this.policy = new SqlitePolicy(db);
    }

    static SqliteMdmStore open(Path directory) {
        requireNonNull(directory, "directory");
        DataDirectory dir = DataDirectory.lock(directory);
        Path file = dir.dir().resolve(FILE_NAME);
        Connection c = null;
        try {
            DataDirectory.createPrivate(file); // SQLite gives its -wal and -shm files the database's mode
            c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=FULL");
                st.execute("PRAGMA foreign_keys=ON");
                st.execute("PRAGMA busy_timeout=10000");
                for (String[] part : List.of(SCHEMA, SqliteDevices.SCHEMA, SqliteDep.SCHEMA, SqlitePolicy.SCHEMA)) {
                    for (String ddl : part) {
                        st.execute(ddl);
                    }
                }
            }
            addMissingColumns(c);
            String version = getMeta(c, "schema_version");
            if (version == null) {
                putMeta(c, "schema_version", Integer.toString(SCHEMA_VERSION));
            } else if (!version.equals(Integer.toString(SCHEMA_VERSION))) {
                throw new StoreException(file + ": schema version " + version + " (expected: " + SCHEMA_VERSION
                        + "; this mdmsim cannot read it, use another --data-dir)");
            }
            return new SqliteMdmStore(dir, file, new GroupCommit(file.toString(), c));
        } catch (SQLException | IOException | RuntimeException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            dir.close();
            if (e instanceof StoreException s) {
                throw s;
            }
            throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    GroupCommit groupCommit() {
        return db;
    }

    /** Columns added after a database of this schema version could have been made without them. */
    private static void addMissingColumns(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pragma_table_info('identity_bindings')"
                        + " WHERE name = 'successor'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                try (Statement alter = c.createStatement()) {
                    alter.execute("ALTER TABLE identity_bindings ADD COLUMN successor INTEGER NOT NULL DEFAULT 0");
                }
            }
        }
    }

    static String getMeta(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void putMeta(Connection c, String key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value""")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public void close() {
        try {
            db.close();
        } finally {
            dir.close();
        }
    }

    private final StoredMeta meta = new StoredMeta() {
        @Override
        public Optional<String> get(String key) {
            requireNonNull(key, "key");
            return Optional.ofNullable(db.run("read meta " + key, c -> getMeta(c, key)));
        }

        @Override
        public void put(String key, String value) {
            requireNonNull(key, "key");
            requireNonNull(value, "value");
            db.run("write meta " + key, c -> {
                putMeta(c, key, value);
                return null;
            });
        }

        @Override
        public Map<String, String> all() {
            return db.run("read meta", c -> {
                Map<String, String> out = new LinkedHashMap<>();
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT key, value FROM meta ORDER BY key")) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
                return out;
            });
        }
    };

    private final StoredBindings bindings = new StoredBindings() {
        @Override
        public void put(Binding b) {
            requireNonNull(b, "binding");
            db.run("bind an identity to " + b.enrollmentId(), c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO identity_bindings (fingerprint, enrollment_id, bound_at, successor)
                        VALUES (?, ?, ?, ?)
                        ON CONFLICT (fingerprint) DO UPDATE SET enrollment_id = excluded.enrollment_id,
                          bound_at = excluded.bound_at, successor = excluded.successor""")) {
                    Sql.set(ps, 1, b.fingerprint(), b.enrollmentId(), b.boundAt(), b.successor());
                    ps.executeUpdate();
                }
                return null;
            });
        }

        @Override
        public List<Binding> loadAll() {
            return db.run("load identity bindings", c -> {
                List<Binding> out = new ArrayList<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT fingerprint, enrollment_id, bound_at, successor FROM identity_bindings"
                                + " ORDER BY fingerprint")) {
                    while (rs.next()) {
                        out.add(new Binding(rs.getString(1), rs.getString(2), Sql.instant(rs, 3), Sql.bool(rs, 4)));
                    }
                }
                return out;
            });
        }
    };

    private final StoredChallenges challenges = new StoredChallenges() {
        @Override
        public void put(Challenge ch) {
            requireNonNull(ch, "challenge");
            db.run("store a SCEP challenge", c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO scep_challenges (digest, udid, minted_at, expires_at, spent) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (digest) DO UPDATE SET udid = excluded.udid, minted_at = excluded.minted_at,
                          expires_at = excluded.expires_at, spent = excluded.spent""")) {
                    Sql.set(ps, 1, ch.digest(), ch.udid(), ch.mintedAt(), ch.expiresAt(), ch.spent());
                    ps.executeUpdate();
                }
                return null;
            });
        }

        @Override
        public void forgetExpiredBefore(Instant horizon) {
            requireNonNull(horizon, "horizon");
            db.run("forget expired SCEP challenges", c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM scep_challenges WHERE expires_at < ?")) {
                    Sql.set(ps, 1, horizon);
                    ps.executeUpdate();
                }
                return null;
            });
        }

        @Override
        public List<Challenge> loadAll() {
            return db.run("load SCEP challenges", c -> {
                List<Challenge> out = new ArrayList<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT digest, udid, minted_at, expires_at, spent FROM scep_challenges ORDER BY digest")) {
                    while (rs.next()) {
                        out.add(new Challenge(rs.getString(1), rs.getString(2), Sql.instant(rs, 3), Sql.instant(rs, 4),
                                Sql.bool(rs, 5)));
                    }
                }
                return out;
            });
        }
    };

    private final StoredDeclarations declarations = new StoredDeclarations() {
        @Override
        public void put(Declaration d, Instant changedAt) {
            requireNonNull(d, "declaration");
            requireNonNull(changedAt, "changedAt");
            db.run("store declaration " + d.identifier(), c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO declarations (identifier, declaration_json) VALUES (?, ?)
                        ON CONFLICT (identifier) DO UPDATE SET declaration_json = excluded.declaration_json""")) {
                    Sql.set(ps, 1, d.identifier(), d.json());
                    ps.executeUpdate();
                }
                putMeta(c, DECLARATIONS_CHANGED_AT, changedAt.toString());
                return null;
            });
        }

        @Override
        public void remove(String identifier, Instant changedAt) {
            requireNonNull(identifier, "identifier");
            requireNonNull(changedAt, "changedAt");
            db.run("remove declaration " + identifier, c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM declarations WHERE identifier = ?")) {
                    ps.setString(1, identifier);
                    ps.executeUpdate();
                }
                putMeta(c, DECLARATIONS_CHANGED_AT, changedAt.toString());
                return null;
            });
        }

        @Override
        public Loaded load() {
            return db.run("load declarations", c -> {
                List<Declaration> out = new ArrayList<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT identifier, declaration_json FROM declarations ORDER BY identifier")) {
                    while (rs.next()) {
                        out.add(new Declaration(rs.getString(1), rs.getString(2)));
                    }
                }
                String changed = getMeta(c, DECLARATIONS_CHANGED_AT);
                return new Loaded(out, changed == null ? null : Instant.parse(changed));
            });
        }
    };

    @Override
    public StoredMeta meta() {
        return meta;
    }

    @Override
    public StoredDevices devices() {
        return devices;
    }

    @Override
    public StoredBindings bindings() {
        return bindings;
    }

    @Override
    public StoredChallenges challenges() {
        return challenges;
    }

    @Override
    public StoredDeclarations declarations() {
        return declarations;
    }

    @Override
    public StoredDep dep() {
        return dep;
    }

    @Override
    public StoredPolicy policy() {
        return policy;
    }
}
