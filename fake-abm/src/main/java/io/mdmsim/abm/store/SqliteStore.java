package io.mdmsim.abm.store;


import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.state.AbmProfile;
import io.mdmsim.abm.state.AbmState;
import io.mdmsim.abm.state.AbmStore;
import io.mdmsim.core.dep.DepProfile;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.security.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fake ABM's state in one SQLite database, {@code <data-dir>/abm.db}, so it survives a restart and can be read
 * with the {@code sqlite3} shell. Tables: {@code meta}, {@code organizations}, {@code mdm_servers}, {@code devices}
 * (facts and assignment state, one row a device), {@code profiles} (Apple's Profile JSON), {@code change_log} (every
 * added/modified/deleted record of every MDM server, in the order fetch and sync read them); view {@code assignments}.
 * Times are ISO-8601 UTC text. The README text describes every column.
 *
 * <p>It stays a little over 400 lines because it is the schema and, for each table, the SQL next to the row mapping
 * that writes it; reading everything back at start is {@link SnapshotReader}.
 */
public final class SqliteStore implements AbmStore {

    static final String FILE_NAME = "abm.db";
    private static final int SCHEMA_VERSION = 1;

    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS organizations (
          idx INTEGER PRIMARY KEY, org_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, email TEXT, phone TEXT,
          address_line1 TEXT, city TEXT, region TEXT, zip_code TEXT, country TEXT, org_type TEXT, org_version TEXT,
          admin_id TEXT, terms_accepted INTEGER NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS mdm_servers (
          idx INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, server_uuid TEXT NOT NULL,
          org_idx INTEGER NOT NULL REFERENCES organizations(idx), certificate_pem TEXT NOT NULL,
          consumer_key TEXT, consumer_secret TEXT, access_token TEXT, access_secret TEXT, token_expiry TEXT,
          token_generation INTEGER NOT NULL, release_end_nanos INTEGER NOT NULL, devices_per_minute INTEGER NOT NULL,
          cursors_valid_from TEXT NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS devices (
          idx INTEGER PRIMARY KEY, serial_number TEXT NOT NULL UNIQUE, org_idx INTEGER NOT NULL REFERENCES organizations(idx),
          product_type TEXT NOT NULL, model TEXT NOT NULL, description TEXT, color TEXT, capacity_gb INTEGER,
          os_version TEXT, build_version TEXT, udid TEXT, imei TEXT, order_number TEXT, purchase_date TEXT, asset_tag TEXT,
          mdm_server_idx INTEGER REFERENCES mdm_servers(idx), assigned_seq INTEGER, device_assigned_date TEXT,
          device_assigned_by TEXT, profile_uuid TEXT, profile_status TEXT NOT NULL, profile_assign_time TEXT,
          profile_push_time TEXT, released INTEGER NOT NULL, activation_locked INTEGER NOT NULL,
          mdm_migration_deadline TEXT)""",
        """
        CREATE TABLE IF NOT EXISTS profiles (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, profile_uuid TEXT NOT NULL,
          mdm_server_idx INTEGER NOT NULL REFERENCES mdm_servers(idx), profile_json TEXT NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS change_log (
          seq INTEGER PRIMARY KEY, mdm_server_idx INTEGER NOT NULL REFERENCES mdm_servers(idx), op_type TEXT NOT NULL,
          op_date TEXT NOT NULL, serial_number TEXT NOT NULL, cancelled INTEGER NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS change_log_server ON change_log (mdm_server_idx, seq)",
        """
        CREATE VIEW IF NOT EXISTS assignments AS
          SELECT d.serial_number, d.product_type, d.model, s.name AS mdm_server, d.device_assigned_date,
                 d.profile_status, d.profile_uuid, o.name AS organization
          FROM devices d JOIN organizations o ON o.idx = d.org_idx LEFT JOIN mdm_servers s ON s.idx = d.mdm_server_idx""",
    };

    private final Path file;
    private final Connection db;

    private SqliteStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (creating if needed) {@code dir/abm.db}. */
    /** SQLite's write-ahead log and shared memory files hold the same data as the database: 0600 too. */
    private static void restrictSidecars(Path file) {
        for (String sidecar : new String[] {"-wal", "-shm", "-journal"}) {
            Path f = file.resolveSibling(FILE_NAME + sidecar);
            try {
                PrivateFiles.restrict(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make " + f + " private: " + e.getMessage(), e);
            }
        }
    }

    public static SqliteStore open(Path dir) {
        requireNonNull(dir, "dir");
        Path file = dir.resolve(FILE_NAME);
        try {
            // OAuth secrets are stored in clear: the directory and every file SQLite keeps in it are the user's only
            PrivateFiles.directory(dir);
            if (!Files.exists(file)) {
                PrivateFiles.write(file, new byte[0]);
            }
            PrivateFiles.restrict(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        try {
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement st = db.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA foreign_keys=ON");
                st.execute("PRAGMA cache_size=-65536");
                st.execute("PRAGMA temp_store=MEMORY");
                for (String ddl : SCHEMA) {
                    st.execute(ddl);
                }
            }
            restrictSidecars(file);
            SqliteStore store = new SqliteStore(file, db);
            String version = store.meta().get("schema_version");
            if (version == null) {
                store.putMeta("schema_version", Integer.toString(SCHEMA_VERSION));
            } else if (!version.equals(Integer.toString(SCHEMA_VERSION))) {
                db.close();
                throw new IllegalStateException(file + ": schema version " + version + " (expected: " + SCHEMA_VERSION
                        + "; use a new --data-dir)");
            }
            return store;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized Map<String, String> meta() {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT key, value FROM meta")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw failure("read meta", e);
        }
        return out;
    }

    @Override
    public synchronized void putMeta(String key, String value) {
        try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("write meta " + key, e);
        }
    }

    @Override
    public synchronized void write(Changes c) {
        try {
            db.setAutoCommit(false);
            try {
                writeOrganizations(c.organizations());
                writeServers(c.servers());
                insertDevices(c.newDevices());
                updateDevices(c.changedDevices());
                insertProfiles(c.profiles());
                insertLog(c.log());
                cancel(c.cancelledSeqs());
                if (c.lastNow() != null && !c.lastNow().equals(Instant.MIN)) {
                    try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_now', ?)")) {
                        ps.setString(1, c.lastNow().toString());
                        ps.executeUpdate();
                    }
                }
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("write changes", e);
        }
    }

    private void writeOrganizations(List<OrgRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT OR REPLACE INTO organizations (idx, org_id, name, email, phone, address_line1, city, region,
                  zip_code, country, org_type, org_version, admin_id, terms_accepted)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (OrgRow r : rows) {
                FakeAbmConfig.Organization o = r.organization();
                int i = 1;
                ps.setInt(i++, r.index());
                ps.setString(i++, o.orgId());
                ps.setString(i++, o.name());
                ps.setString(i++, o.email());
                ps.setString(i++, o.phone());
                ps.setString(i++, o.addressLine1());
                ps.setString(i++, o.city());
                ps.setString(i++, o.region());
                ps.setString(i++, o.zipCode());
                ps.setString(i++, o.country());
                ps.setString(i++, o.orgType());
                ps.setString(i++, o.orgVersion());
                ps.setString(i++, o.adminId());
                ps.setInt(i, r.termsAccepted() ? 1 : 0);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void writeServers(List<ServerRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT OR REPLACE INTO mdm_servers (idx, name, server_uuid, org_idx, certificate_pem, consumer_key,
                  consumer_secret, access_token, access_secret, token_expiry, token_generation, release_end_nanos,
                  devices_per_minute, cursors_valid_from)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (ServerRow r : rows) {
                AbmState.OAuthKeys k = r.keys();
                int i = 1;
                ps.setInt(i++, r.index());
                ps.setString(i++, r.name());
                ps.setString(i++, r.uuid());
                ps.setInt(i++, r.orgIndex());
                ps.setString(i++, Pem.encode(r.certificate()));
                ps.setString(i++, k == null ? null : k.consumerKey());
                ps.setString(i++, k == null ? null : k.consumerSecret());
                ps.setString(i++, k == null ? null : k.accessToken());
                ps.setString(i++, k == null ? null : k.accessSecret());
                ps.setString(i++, k == null ? null : k.expiry().toString());
                ps.setLong(i++, r.tokenGeneration());
                ps.setLong(i++, r.releaseEndNanos());
                ps.setInt(i++, r.devicesPerMinute());
                ps.setString(i, r.cursorsValidFrom().toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void insertDevices(List<DeviceRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT INTO devices (idx, serial_number, org_idx, product_type, model, description, color, capacity_gb,
                  os_version, build_version, udid, imei, order_number, purchase_date, asset_tag, mdm_server_idx,
                  assigned_seq, device_assigned_date, device_assigned_by, profile_uuid, profile_status,
                  profile_assign_time, profile_push_time, released, activation_locked, mdm_migration_deadline)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (DeviceRow r : rows) {
                InventoryDevice d = r.device();
                int i = 1;
                ps.setInt(i++, r.index());
                ps.setString(i++, d.serialNumber());
                ps.setInt(i++, r.orgIndex());
                ps.setString(i++, d.productType());
                ps.setString(i++, d.model().depModel());
                ps.setString(i++, d.description());
                ps.setString(i++, d.color());
                ps.setInt(i++, d.capacityGb());
                ps.setString(i++, d.osVersion());
                ps.setString(i++, d.buildVersion());
                ps.setString(i++, d.udid());
                ps.setString(i++, d.imei());
                ps.setString(i++, d.orderNumber());
                ps.setString(i++, d.purchaseDate().toString());
                ps.setString(i++, d.assetTag());
                setState(ps, i, r);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void updateDevices(List<DeviceRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepareStatement("""
                UPDATE devices SET mdm_server_idx = ?, assigned_seq = ?, device_assigned_date = ?,
                  device_assigned_by = ?, profile_uuid = ?, profile_status = ?, profile_assign_time = ?,
                  profile_push_time = ?, released = ?, activation_locked = ?, mdm_migration_deadline = ?
                WHERE idx = ?""")) {
            for (DeviceRow r : rows) {
                setState(ps, 1, r);
                ps.setInt(12, r.index());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The eleven state columns from parameter {@code i} on. */
    private static void setState(PreparedStatement ps, int i, DeviceRow r) throws SQLException {
        if (r.serverIndex() < 0) {
            ps.setNull(i++, Types.INTEGER);
            ps.setNull(i++, Types.INTEGER);
        } else {
            ps.setInt(i++, r.serverIndex());
            ps.setLong(i++, r.addSeq());
        }
        ps.setString(i++, text(r.assignedAt()));
        ps.setString(i++, r.assignedBy());
        ps.setString(i++, r.profileUuid());
        ps.setString(i++, r.profileStatus().wire());
        ps.setString(i++, text(r.profileAssignTime()));
        ps.setString(i++, text(r.profilePushTime()));
        ps.setInt(i++, r.released() ? 1 : 0);
        ps.setInt(i++, r.activationLocked() ? 1 : 0);
        ps.setString(i, text(r.migrationDeadline()));
    }

    private void insertProfiles(List<ProfileRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO profiles (profile_uuid, mdm_server_idx, profile_json) VALUES (?, ?, ?)")) {
            for (ProfileRow r : rows) {
                ps.setString(1, r.profile().profileUuid());
                ps.setInt(2, r.serverIndex());
                ps.setString(3, Json.writeString(toDep(r.profile())));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void insertLog(List<LogRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT INTO change_log (seq, mdm_server_idx, op_type, op_date, serial_number, cancelled)
                VALUES (?, ?, ?, ?, ?, ?)""")) {
            for (LogRow r : rows) {
                ps.setLong(1, r.seq());
                ps.setInt(2, r.serverIndex());
                ps.setString(3, r.op().wire());
                ps.setString(4, r.at().toString());
                ps.setString(5, r.serialNumber());
                ps.setInt(6, r.cancelled() ? 1 : 0);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void cancel(List<Long> seqs) throws SQLException {
        if (seqs.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepareStatement("UPDATE change_log SET cancelled = 1 WHERE seq = ?")) {
            for (long s : seqs) {
                ps.setLong(1, s);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public synchronized Snapshot load() {
        try {
            return SnapshotReader.read(db, file, meta().get("last_now"));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure("close", e);
        }
    }

    static DepProfile toDep(AbmProfile p) {
        return DepProfile.builder().profileName(p.profileName()).url(p.url()).configurationWebUrl(p.configurationWebUrl())
                .allowPairing(p.allowPairing()).isSupervised(p.isSupervised()).isMandatory(p.isMandatory())
                .isMdmRemovable(p.isMdmRemovable()).awaitDeviceConfigured(p.awaitDeviceConfigured())
                .autoAdvanceSetup(p.autoAdvanceSetup()).isMultiUser(p.isMultiUser())
                .isReturnToService(p.isReturnToService()).doNotUseProfileFromBackup(p.doNotUseProfileFromBackup())
                .department(p.department()).orgMagic(p.orgMagic()).supportPhoneNumber(p.supportPhoneNumber())
                .supportEmailAddress(p.supportEmailAddress()).language(p.language()).region(p.region())
                .anchorCerts(p.anchorCerts()).supervisingHostCerts(p.supervisingHostCerts())
                .skipSetupItems(p.skipSetupItems()).profileUuid(p.profileUuid()).build();
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException(file + ": cannot " + what + ": " + e.getMessage(), e);
    }
}
