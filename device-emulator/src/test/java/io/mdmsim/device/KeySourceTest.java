package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySourceTest {

    @Test
    void aPregeneratedPoolHandsOutItsKeysRoundRobin() {
        KeySource pool = KeySource.pregenerated(3);
        Set<KeyPair> seen = new HashSet<>();
        KeyPair first = pool.rsa(2048);
        seen.add(first);
        seen.add(pool.rsa(2048));
        seen.add(pool.rsa(2048));
        assertEquals(3, seen.size());
        assertSame(first, pool.rsa(2048), "the fourth is the first again");
        assertEquals(1024, ((RSAPublicKey) pool.rsa(1024).getPublic()).getModulus().bitLength(),
                "other sizes are made on first use");
    }

    @Test
    void aPoolFileIsWrittenOnceAndReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys/pool.pem");
        KeyPair a = KeySource.pool(file, 2).rsa(2048);
        assertTrue(Files.readString(file).contains("-----BEGIN PRIVATE KEY-----"));
        long written = Files.getLastModifiedTime(file).toMillis();
        KeySource again = KeySource.pool(file, 2);
        Set<Object> publics = new HashSet<>();
        publics.add(again.rsa(2048).getPublic());
        publics.add(again.rsa(2048).getPublic());
        assertTrue(publics.contains(a.getPublic()), "the same keys come back from the file");
        assertEquals(written, Files.getLastModifiedTime(file).toMillis(), "not written again");
        // asking for more keys than the file has makes a new pool
        KeySource more = KeySource.pool(file, 3);
        assertNotEquals(a.getPublic(), more.rsa(2048).getPublic());
        assertEquals(3, Files.readString(file).split("-----BEGIN PRIVATE KEY-----").length - 1);
    }

    @Test
    void poolSizesAreChecked() {
        assertEquals("distinctKeys: 0 (expected: 1..10000)",
                assertThrows(IllegalArgumentException.class, () -> KeySource.pregenerated(0)).getMessage());
        assertEquals("distinctKeys: 10001 (expected: 1..10000)",
                assertThrows(IllegalArgumentException.class, () -> KeySource.reusing(10_001)).getMessage());
    }
}
