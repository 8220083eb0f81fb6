package io.mdmsim.mdm.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Tables {@code dep_tokens}, {@code dep_devices} and {@code dep_add_flows}. */
final class SqliteDep implements StoredDep {

    static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS dep_tokens (name TEXT PRIMARY KEY, consumer_key TEXT NOT NULL, token_json TEXT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS dep_devices (
          token TEXT NOT NULL REFERENCES dep_tokens(name), serial_number TEXT NOT NULL, held INTEGER NOT NULL,
          assigned INTEGER NOT NULL, profile_uuid TEXT, removed_at TEXT, purge_at TEXT, deleted_here INTEGER NOT NULL,
          PRIMARY KEY (token, serial_number))""",
        "CREATE TABLE IF NOT EXISTS dep_add_flows (id TEXT PRIMARY KEY, flow_json TEXT NOT NULL)",
    };

    private final GroupCommit db;

    SqliteDep(GroupCommit db) {
        this.db = db;
    }

    @Override
    public void save(Token token, List<Device> changedDevices) {
        List<Device> devices = List.copyOf(changedDevices);
        for (Device d : devices) {
            Stores.requireSameOwner(token.name(), d.token(), "serial number " + d.serialNumber());
        }
        db.run("save DEP token " + token.name(), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO dep_tokens (name, consumer_key, token_json) VALUES (?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET consumer_key = excluded.consumer_key,
                      token_json = excluded.token_json""")) {
                Sql.set(ps, 1, token.name(), token.consumerKey(), token.json());
                ps.executeUpdate();
            }
            try (PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO dep_devices (token, serial_number, held, assigned, profile_uuid, removed_at, purge_at,
                      deleted_here) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (token, serial_number) DO UPDATE SET held = excluded.held,
                      assigned = excluded.assigned, profile_uuid = excluded.profile_uuid,
                      removed_at = excluded.removed_at, purge_at = excluded.purge_at,
                      deleted_here = excluded.deleted_here""");
                    PreparedStatement delete = c.prepareStatement(
                            "DELETE FROM dep_devices WHERE token = ? AND serial_number = ?")) {
                for (Device d : devices) {
                    if (d.isEmpty()) {
                        Sql.set(delete, 1, d.token(), d.serialNumber());
                        delete.addBatch();
                    } else {
                        Sql.set(upsert, 1, d.token(), d.serialNumber(), d.held(), d.assigned(), d.profileUuid(),
                                d.removedAt(), d.purgeAt(), d.deletedHere());
                        upsert.addBatch();
                    }
                }
                upsert.executeBatch();
                delete.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void delete(String tokenName) {
        db.run("delete DEP token " + tokenName, c -> {
            try (PreparedStatement devices = c.prepareStatement("DELETE FROM dep_devices WHERE token = ?");
                    PreparedStatement token = c.prepareStatement("DELETE FROM dep_tokens WHERE name = ?")) {
                devices.setString(1, tokenName);
                devices.executeUpdate();
                token.setString(1, tokenName);
                token.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void saveFlow(Flow flow) {
        db.run("save add flow " + flow.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO dep_add_flows (id, flow_json) VALUES (?, ?)
                    ON CONFLICT (id) DO UPDATE SET flow_json = excluded.flow_json""")) {
                Sql.set(ps, 1, flow.id(), flow.json());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Loaded load() {
        return db.run("load DEP tokens", c -> {
            List<Token> tokens = new ArrayList<>();
            List<Device> devices = new ArrayList<>();
            List<Flow> flows = new ArrayList<>();
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT name, consumer_key, token_json FROM dep_tokens ORDER BY rowid")) {
                    while (rs.next()) {
                        tokens.add(new Token(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
                try (ResultSet rs = st.executeQuery("""
                        SELECT d.token, d.serial_number, d.held, d.assigned, d.profile_uuid, d.removed_at, d.purge_at,
                          d.deleted_here FROM dep_devices d JOIN dep_tokens t ON t.name = d.token
                        ORDER BY t.rowid, d.rowid""")) {
                    while (rs.next()) {
                        devices.add(new Device(rs.getString(1), rs.getString(2), Sql.bool(rs, 3), Sql.bool(rs, 4),
                                rs.getString(5), Sql.instant(rs, 6), Sql.instant(rs, 7), Sql.bool(rs, 8)));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT id, flow_json FROM dep_add_flows ORDER BY rowid")) {
                    while (rs.next()) {
                        flows.add(new Flow(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return new Loaded(tokens, devices, flows);
        });
    }
}
