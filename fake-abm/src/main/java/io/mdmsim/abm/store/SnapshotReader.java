package io.mdmsim.abm.store;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.inventory.Inventory;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.state.AbmProfile;
import io.mdmsim.abm.state.AbmState;
import io.mdmsim.abm.state.AbmStore.DeviceRow;
import io.mdmsim.abm.state.AbmStore.LogRow;
import io.mdmsim.abm.state.AbmStore.OrgRow;
import io.mdmsim.abm.state.AbmStore.ProfileRow;
import io.mdmsim.abm.state.AbmStore.ServerRow;
import io.mdmsim.abm.state.AbmStore.Snapshot;
import io.mdmsim.core.catalog.DeviceCatalog;
import io.mdmsim.core.dep.DepProfile;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ProfileStatus;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@link SqliteStore}'s database back into an {@link Snapshot} at start: every table in the order the state
 * rebuilds itself from, with the text forms of times and profiles parsed back (times fast, since a large inventory
 * has hundreds of thousands of them).
 */
final class SnapshotReader {

    private SnapshotReader() {
    }

    /** Every row of the database; {@code lastNow} is the stored last simulated time, or null. */
    static Snapshot read(Connection db, Path file, String lastNow) throws SQLException, IOException {
        List<OrgRow> orgs = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT idx, org_id, name, email, phone, address_line1, city, region, zip_code, country, org_type,
                  org_version, admin_id, terms_accepted FROM organizations ORDER BY idx""")) {
            while (rs.next()) {
                orgs.add(new OrgRow(rs.getInt(1), new FakeAbmConfig.Organization(rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getString(10), rs.getString(2), rs.getString(11), rs.getString(12), rs.getString(13)),
                        rs.getInt(14) != 0));
            }
        }
        List<ServerRow> servers = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT idx, name, server_uuid, org_idx, certificate_pem, consumer_key, consumer_secret, access_token,
                  access_secret, token_expiry, token_generation, release_end_nanos, devices_per_minute,
                  cursors_valid_from FROM mdm_servers ORDER BY idx""")) {
            while (rs.next()) {
                AbmState.OAuthKeys keys = rs.getString(6) == null ? null : new AbmState.OAuthKeys(rs.getString(6),
                        rs.getString(7), rs.getString(8), rs.getString(9), Instant.parse(rs.getString(10)));
                servers.add(new ServerRow(rs.getInt(1), rs.getString(2), rs.getString(3),
                        Pem.certificate(rs.getString(5)), rs.getInt(4), keys, rs.getLong(11), rs.getLong(12),
                        rs.getInt(13), parseInstant(rs.getString(14))));
            }
        }
        List<ProfileRow> profiles = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT profile_uuid, mdm_server_idx, profile_json FROM profiles ORDER BY seq")) {
            while (rs.next()) {
                DepProfile p = Json.MAPPER.readValue(rs.getString(3), DepProfile.class);
                profiles.add(new ProfileRow(rs.getInt(2), fromDep(rs.getString(1), p)));
            }
        }
        List<DeviceRow> devices = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT idx, serial_number, org_idx, product_type, description, color, capacity_gb, os_version,
                  build_version, udid, imei, order_number, purchase_date, asset_tag, mdm_server_idx, assigned_seq,
                  device_assigned_date, device_assigned_by, profile_uuid, profile_status, profile_assign_time,
                  profile_push_time, released, activation_locked, mdm_migration_deadline FROM devices ORDER BY idx""")) {
            while (rs.next()) {
                DeviceCatalog.Model model = Inventory.model(rs.getString(4));
                if (model == null) {
                    throw new IllegalStateException(file + ": device " + rs.getString(2) + " has product type "
                            + rs.getString(4) + ", which is not in the device catalog");
                }
                InventoryDevice d = new InventoryDevice(rs.getString(2), model, rs.getString(6), rs.getInt(7),
                        rs.getString(5), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                        rs.getString(12), parseDate(rs.getString(13)), rs.getString(14));
                int server = rs.getObject(15) == null ? -1 : rs.getInt(15);
                devices.add(new DeviceRow(rs.getInt(1), d, rs.getInt(3), server, rs.getLong(16),
                        instant(rs.getString(17)), rs.getString(18), rs.getString(19),
                        ProfileStatus.fromWire(rs.getString(20)), instant(rs.getString(21)), instant(rs.getString(22)),
                        rs.getInt(23) != 0, rs.getInt(24) != 0, instant(rs.getString(25))));
            }
        }
        List<LogRow> log = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT seq, mdm_server_idx, op_date, serial_number, op_type, cancelled FROM change_log ORDER BY seq""")) {
            while (rs.next()) {
                log.add(new LogRow(rs.getLong(1), rs.getInt(2), parseInstant(rs.getString(3)), rs.getString(4),
                        OpType.fromWire(rs.getString(5)), rs.getInt(6) != 0));
            }
        }
        return new Snapshot(orgs, servers, devices, profiles, log, lastNow == null ? null : Instant.parse(lastNow));
    }

    static AbmProfile fromDep(String uuid, DepProfile p) {
        return new AbmProfile(uuid, p.profileName(), p.url(), p.configurationWebUrl(), bool(p.allowPairing()),
                bool(p.isSupervised()), bool(p.isMandatory()), bool(p.isMdmRemovable()), bool(p.awaitDeviceConfigured()),
                bool(p.autoAdvanceSetup()), bool(p.isMultiUser()), bool(p.isReturnToService()),
                bool(p.doNotUseProfileFromBackup()), p.department(), p.orgMagic(), p.supportPhoneNumber(),
                p.supportEmailAddress(), p.language(), p.region(), p.anchorCerts(), p.supervisingHostCerts(),
                p.skipSetupItems());
    }

    private static boolean bool(Boolean b) {
        return b != null && b;
    }

    private static Instant instant(String s) {
        return s == null ? null : parseInstant(s);
    }

    private static LocalDate parseDate(String s) {
        if (s.length() == 10 && s.charAt(4) == '-' && s.charAt(7) == '-') {
            try {
                return LocalDate.of(Integer.parseInt(s, 0, 4, 10), Integer.parseInt(s, 5, 7, 10), Integer.parseInt(s, 8, 10, 10));
            } catch (RuntimeException e) {
                return LocalDate.parse(s);
            }
        }
        return LocalDate.parse(s);
    }

    /**
     * {@link Instant#parse} for the form {@link Instant#toString} writes ({@code 2025-06-02T09:00:00Z}, optionally
     * with a fraction), several times faster, which matters when loading hundreds of thousands of rows; anything else
     * goes to {@link Instant#parse}.
     */
    static Instant parseInstant(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z' || s.charAt(0) == '+' || s.charAt(0) == '-') {
            return Instant.parse(s);
        }
        try {
            int year = Integer.parseInt(s, 0, 4, 10);
            int month = Integer.parseInt(s, 5, 7, 10);
            int day = Integer.parseInt(s, 8, 10, 10);
            int hour = Integer.parseInt(s, 11, 13, 10);
            int minute = Integer.parseInt(s, 14, 16, 10);
            int second = Integer.parseInt(s, 17, 19, 10);
            int nanos = 0;
            if (n > 20) {
                if (s.charAt(19) != '.' || n - 21 > 9 || n - 21 < 1) {
                    return Instant.parse(s);
                }
                nanos = Integer.parseInt(s, 20, n - 1, 10);
                for (int i = n - 21; i < 9; i++) {
                    nanos *= 10;
                }
            }
            if (hour > 23 || minute > 59 || second > 59) {
                return Instant.parse(s);
            }
            long days = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
        } catch (RuntimeException e) {
            return Instant.parse(s);
        }
    }
}
