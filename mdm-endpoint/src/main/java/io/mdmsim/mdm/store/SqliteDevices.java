package io.mdmsim.mdm.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tables {@code devices} and {@code commands}. */
final class SqliteDevices implements StoredDevices {

    static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS devices (
          enrollment_id TEXT PRIMARY KEY, serial_number TEXT, enrollment_state TEXT NOT NULL, last_seen_at TEXT,
          record_json TEXT NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS commands (
          enrollment_id TEXT NOT NULL REFERENCES devices(enrollment_id), command_uuid TEXT NOT NULL,
          seq INTEGER NOT NULL, request_type TEXT NOT NULL, state TEXT NOT NULL, status TEXT, queued_at TEXT NOT NULL,
          sent_at TEXT, completed_at TEXT, times_sent INTEGER NOT NULL, result_json TEXT, note TEXT,
          plist BLOB NOT NULL, PRIMARY KEY (enrollment_id, command_uuid))""",
        "CREATE INDEX IF NOT EXISTS commands_queue ON commands (enrollment_id, seq)",
    };

    private final GroupCommit db;

    SqliteDevices(GroupCommit db) {
        this.db = db;
    }

    @Override
    public void save(Device device, List<Command> changedCommands) {
        List<Command> commands = List.copyOf(changedCommands);
        for (Command c : commands) {
            Stores.requireSameOwner(device.enrollmentId(), c.enrollmentId(), "command " + c.commandUuid());
        }
        db.run("save device " + device.enrollmentId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO devices (enrollment_id, serial_number, enrollment_state, last_seen_at, record_json)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (enrollment_id) DO UPDATE SET serial_number = excluded.serial_number,
                      enrollment_state = excluded.enrollment_state, last_seen_at = excluded.last_seen_at,
                      record_json = excluded.record_json""")) {
                Sql.set(ps, 1, device.enrollmentId(), device.serialNumber(), device.enrollmentState(),
                        device.lastSeenAt(), device.json());
                ps.executeUpdate();
            }
            if (!commands.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO commands (enrollment_id, command_uuid, seq, request_type, state, status, queued_at,
                          sent_at, completed_at, times_sent, result_json, note, plist)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (enrollment_id, command_uuid) DO UPDATE SET seq = excluded.seq,
                          request_type = excluded.request_type, state = excluded.state, status = excluded.status,
                          queued_at = excluded.queued_at, sent_at = excluded.sent_at,
                          completed_at = excluded.completed_at, times_sent = excluded.times_sent,
                          result_json = excluded.result_json, note = excluded.note, plist = excluded.plist""")) {
                    for (Command m : commands) {
                        Sql.set(ps, 1, m.enrollmentId(), m.commandUuid(), m.seq(), m.requestType(), m.state(),
                                m.status(), m.queuedAt(), m.sentAt(), m.completedAt(), m.timesSent(), m.resultJson(),
                                m.note(), m.plist());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
    }

    @Override
    public List<Loaded> loadAll() {
        return db.run("load devices", c -> {
            Map<String, Device> devices = new LinkedHashMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                    SELECT enrollment_id, serial_number, enrollment_state, last_seen_at, record_json
                    FROM devices ORDER BY enrollment_id""")) {
                while (rs.next()) {
                    devices.put(rs.getString(1), new Device(rs.getString(1), rs.getString(2), rs.getString(3),
                            Sql.instant(rs, 4), rs.getString(5)));
                }
            }
            Map<String, List<Command>> commands = new LinkedHashMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                    SELECT enrollment_id, seq, command_uuid, request_type, state, status, queued_at, sent_at,
                      completed_at, times_sent, result_json, note, plist
                    FROM commands ORDER BY enrollment_id, seq""")) {
                while (rs.next()) {
                    commands.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Command(rs.getString(1),
                            rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            Sql.instant(rs, 7), Sql.instant(rs, 8), Sql.instant(rs, 9), rs.getInt(10),
                            rs.getString(11), rs.getString(12), rs.getBytes(13)));
                }
            }
            List<Loaded> out = new ArrayList<>(devices.size());
            devices.forEach((id, d) -> out.add(new Loaded(d, commands.getOrDefault(id, List.of()))));
            return out;
        });
    }

    @Override
    public int count() {
        return db.run("count devices", c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM devices")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
