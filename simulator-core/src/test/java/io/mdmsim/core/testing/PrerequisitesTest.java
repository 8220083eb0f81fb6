package io.mdmsim.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrerequisitesTest {

    @Test
    void theFolderNamedByThePropertyComesFirst(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("shared/apple-device-management"));
        Files.createDirectories(dir.resolve("elsewhere/apple-device-management"));
        assertEquals(dir.resolve("elsewhere/apple-device-management"), Prerequisites.locate(
                "apple-device-management", dir.resolve("elsewhere").toString(), dir.resolve("shared/x")));
    }

    @Test
    void aSharedFolderAboveTheWorkingDirectoryIsFound(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("shared/apple-device-services"));
        Files.createDirectories(dir.resolve("p/simulator-core"));
        assertEquals(dir.resolve("shared/apple-device-services"), Prerequisites.locate("apple-device-services",
                dir.resolve("nothing-here").toString(), dir.resolve("p/simulator-core")));
    }

    @Test
    void aMissingFolderIsOneLineSayingWhereItWasLookedFor(@TempDir Path dir) {
        Path cwd = dir.resolve("p/simulator-core");
        Path found = Prerequisites.locate("apple-device-management", dir.resolve("shared").toString(), cwd);
        // nothing here; a shared/ folder above the temporary folder (another checkout's) may still be found
        assertTrue(found == null || !found.startsWith(dir), String.valueOf(found));
        assertEquals("Apple's schemas are missing: no apple-device-management/ in " + dir.resolve("shared")
                + " (mdmsim.shared.dir) nor in a shared/ folder above " + cwd
                + "; put a copy of github.com/apple/device-management there to run this cross-check",
                Prerequisites.missingMessage("apple-device-management", "github.com/apple/device-management",
                        dir.resolve("shared").toString(), cwd));
    }
}
