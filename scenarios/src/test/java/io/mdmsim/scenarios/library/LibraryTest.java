package io.mdmsim.scenarios.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.scenarios.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario of the library (scenarios/library/) runs and meets its expectations, on its scaled or manual clock;
 * each file says which sentence of the seeds it reproduces and what it expects.
 */
class LibraryTest {

    static final Path LIBRARY = Path.of("library");

    @TempDir
    Path out;

    static Stream<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(LIBRARY)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void runsAndMeetsItsExpectations(Path scenario) {
        CliRun r = CliRun.run("run", scenario.toString(), "--out", out.resolve("report").toString(), "--quiet");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("PASSED: every expectation met"), r.out());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void saysWhatItReproducesAndExpects(Path scenario) throws IOException {
        String text = Files.readString(scenario);
        assertTrue(text.startsWith("#"), scenario + " starts with its comment");
        assertTrue(text.contains("# Seeds: \""), scenario + " quotes the seeds");
        assertTrue(text.contains("# Expectations:"), scenario + " says what it expects");
        assertTrue(text.contains("\nclock: manual") || text.matches("(?s).*\nclock: x\\d+.*")
                || scenario.getFileName().toString().equals("real-mdm-over-the-air.yaml"),
                scenario + " runs on a manual or scaled clock (the real-MDM run is on the wall clock: another process)");
    }

    @Test
    void theLibraryHasTheSeedsSituations() throws IOException {
        List<String> names = scenarios().map(p -> p.getFileName().toString()).toList();
        for (String wanted : List.of("ade-user-affinity-modern-auth.yaml", "kiosk-user-less.yaml",
                "shared-ipad-temporary-sessions.yaml", "await-final-configuration-critical.yaml",
                "scep-wait-16-minutes.yaml", "invalid-profile-blocked-platform.yaml",
                "company-portal-vpp-licences-exhausted.yaml", "expired-server-token.yaml",
                "token-downloaded-again.yaml", "manual-sync-limit.yaml", "full-sync-limit.yaml",
                "dep-sync-200000-at-3000-a-minute.yaml", "reenrollment-after-wipe.yaml", "device-name-template.yaml",
                "locked-enrollment-configurator-30-days.yaml", "ios12-modern-auth-fallback.yaml",
                "enrollment-load-3000-a-minute.yaml", "real-mdm-over-the-air.yaml")) {
            assertTrue(names.contains(wanted), "library has " + wanted + ": " + names);
        }
    }
}
