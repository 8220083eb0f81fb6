package io.mdmsim.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mdmsim mdm --data-dir}: documented in --help, and a clear error when the directory cannot be used. */
class MdmDataDirCliTest {

    @TempDir
    Path dir;

    @Test
    void helpSaysWhatIsKeptAndWhere() {
        CliRun r = CliRun.run("mdm", "--help");
        assertEquals(0, r.exit(), r.err());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--data-dir=DIR Keep the server's state in DIR/mdm.db (SQLite"), help);
        assertTrue(help.contains("DEP tokens (sync state, cursors, profiles)"), help);
        assertTrue(help.contains("Every change is on disk before it is answered."), help);
    }

    @Test
    void aFileIsNotADataDirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        CliRun r = CliRun.run("mdm", "--pki-dir", dir.resolve("pki").toString(), "--data-dir", file.toString(),
                "--apns-url", "off");
        assertEquals(70, r.exit(), r.out());
        assertEquals("mdmsim mdm: data directory " + file + " is a file (expected: a directory, or a path that does not"
                + " exist yet)", r.err().strip());
    }

    @Test
    void aDirectoryInUseByAnotherServerIsRefused() {
        Path data = dir.resolve("data");
        try (MdmServer running = MdmServer.start(MdmConfig.builder().dataDir(data).apnsUrl(null).build())) {
            CliRun r = CliRun.run("mdm", "--pki-dir", dir.resolve("pki").toString(), "--data-dir", data.toString(),
                    "--apns-url", "off");
            assertEquals(70, r.exit(), r.out());
            assertEquals("mdmsim mdm: data directory " + data + " is in use by another MDM server (pid "
                    + ProcessHandle.current().pid() + ") (expected: one server per data directory; stop it or choose"
                    + " another --data-dir)", r.err().strip());
        }
    }
}
