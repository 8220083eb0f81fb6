package io.mdmsim.abm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.mdmsim.core.dep.ServerToken;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets come from a secure random source, never from the seed: two fakes started with the same seed share the
 * inventory (the seed's job) but not the OAuth keys, session tokens or the key that signs DEP cursors.
 */
class SecretsTest {

    @TempDir
    Path first;
    @TempDir
    Path second;

    private record Drawn(List<String> serials, ServerToken token, String session, String cursorSecret) {}

    private static Drawn draw(Path dir) throws Exception {
        try (AbmFixture abm = new AbmFixture(b -> b.dataDir(dir))) {
            abm.createMdmServer("mdm-1");
            ServerToken token = abm.downloadToken("mdm-1");
            String session = abm.session(token);
            return new Drawn(abm.serials(), token, session, cursorSecret(dir));
        }
    }

    private static String cursorSecret(Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("abm.db"));
                ResultSet rs = c.createStatement().executeQuery("select value from meta where key = 'cursor_secret'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void freshDataDirectoriesWithTheSameSeedShareTheInventoryButNoSecret() throws Exception {
        Drawn a = draw(first);
        Drawn b = draw(second);
        assertEquals(a.serials(), b.serials(), "the seed still makes the inventory");
        assertNotEquals(a.token().consumerKey(), b.token().consumerKey());
        assertNotEquals(a.token().consumerSecret(), b.token().consumerSecret());
        assertNotEquals(a.token().accessToken(), b.token().accessToken());
        assertNotEquals(a.token().accessSecret(), b.token().accessSecret());
        assertNotEquals(a.session(), b.session());
        assertNotEquals(null, a.cursorSecret());
        assertNotEquals(a.cursorSecret(), b.cursorSecret());
    }
}
