package io.mdmsim.mdm.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Table {@code policy_members}; the settings document is {@code meta} key {@value #SETTINGS_KEY}. */
final class SqlitePolicy implements StoredPolicy {

    static final String SETTINGS_KEY = "policy_settings";
    static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS policy_members (
          set_name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (set_name, value))""",
    };

    private final GroupCommit db;

    SqlitePolicy(GroupCommit db) {
        this.db = db;
    }

    @Override
    public Commit submit(String settingsJson, List<String> clearedSets, List<Member> removed, List<Member> added) {
        List<String> clear = List.copyOf(clearedSets);
        List<Member> add = List.copyOf(added);
        List<Member> remove = List.copyOf(removed);
        return db.submit("save the enrollment policy", c -> {
            if (settingsJson != null) {
                SqliteMdmStore.putMeta(c, SETTINGS_KEY, settingsJson);
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM policy_members WHERE set_name = ?")) {
                for (String set : clear) {
                    ps.setString(1, set);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM policy_members WHERE set_name = ? AND value = ?");
                    PreparedStatement ins = c.prepareStatement(
                            "INSERT OR IGNORE INTO policy_members (set_name, value) VALUES (?, ?)")) {
                for (Member m : remove) {
                    Sql.set(del, 1, m.set(), m.value());
                    del.addBatch();
                }
                del.executeBatch();
                for (Member m : add) {
                    Sql.set(ins, 1, m.set(), m.value());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Loaded load() {
        return db.run("load the enrollment policy", c -> {
            String settings = SqliteMdmStore.getMeta(c, SETTINGS_KEY);
            List<Member> members = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT set_name, value FROM policy_members ORDER BY rowid")) {
                while (rs.next()) {
                    members.add(new Member(rs.getString(1), rs.getString(2)));
                }
            }
            return new Loaded(settings, members);
        });
    }
}
