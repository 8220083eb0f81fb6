package io.mdmsim.mdm.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Column helpers shared by the SQLite tables: times are ISO-8601 UTC text, booleans 0 or 1. */
final class Sql {

    private Sql() {
    }

    static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : Instant.parse(s);
    }

    static boolean bool(ResultSet rs, int column) throws SQLException {
        return rs.getInt(column) != 0;
    }

    /** Sets parameters from {@code first} on, in order. */
    static void set(PreparedStatement ps, int first, Object... values) throws SQLException {
        int i = first;
        for (Object v : values) {
            switch (v) {
                case null -> ps.setObject(i, null);
                case Instant t -> ps.setString(i, t.toString());
                case Boolean b -> ps.setInt(i, b ? 1 : 0);
                case Integer n -> ps.setInt(i, n);
                case Long n -> ps.setLong(i, n);
                case byte[] b -> ps.setBytes(i, b);
                case String s -> ps.setString(i, s);
                default -> throw new IllegalArgumentException("column value of type " + v.getClass().getName()
                        + " (expected: String, Instant, Boolean, Integer, Long or byte[])");
            }
            i++;
        }
    }
}
