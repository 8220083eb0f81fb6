package io.mdmsim.core.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKI directory is created once however many parts start on it at the same moment (an {@code mdm} and an
 * {@code abm} started together used to write different keys), and it is private.
 */
class SimPkiConcurrencyTest {

    static final Instant NOW = Instant.parse("2025-06-02T09:00:00Z");

    /** Started as a separate process by the test: loads or creates the PKI and prints the root's fingerprint. */
    public static final class Starter {
        public static void main(String[] args) {
            SimPki pki = SimPki.loadOrCreate(Path.of(args[0]), NOW);
            System.out.println("ROOT " + Certificates.sha256Fingerprint(pki.root().certificate()));
        }
    }

    private static String rootOnDisk(Path dir) throws IOException {
        return Certificates.sha256Fingerprint(Pem.certificate(Files.readString(dir.resolve(SimPki.ROOT_CERT),
                StandardCharsets.US_ASCII)));
    }

    @Test
    void threadsStartingTogetherGetOnePki(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("pki");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> roots = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                roots.add(pool.submit(() -> Certificates.sha256Fingerprint(SimPki.loadOrCreate(dir, NOW).root()
                        .certificate())));
            }
            Set<String> distinct = new HashSet<>();
            for (Future<String> f : roots) {
                distinct.add(f.get(5, TimeUnit.MINUTES));
            }
            assertEquals(Set.of(rootOnDisk(dir)), distinct);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void processesStartingTogetherGetOnePki(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("pki");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    Starter.class.getName(), dir.toString()).redirectErrorStream(true).start());
        }
        Set<String> roots = new HashSet<>();
        for (Process p : processes) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
            assertEquals(0, p.exitValue(), out);
            out.lines().filter(l -> l.startsWith("ROOT ")).forEach(l -> roots.add(l.substring(5)));
        }
        assertEquals(Set.of(rootOnDisk(dir)), roots, "every process loaded the one PKI on disk");
    }

    @Test
    void theDirectoryAndTheKeysArePrivate(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("pki");
        SimPki.loadOrCreate(dir, NOW);
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        for (String key : List.of(SimPki.ROOT_KEY, SimPki.APPLE_DEVICE_CA_KEY, SimPki.SCEP_CA_KEY,
                SimPki.TLS_SERVER_KEY)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))));
        }
        // an existing directory someone opened up is made private again at the next start
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        SimPki.loadOrCreate(dir, NOW);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

}
