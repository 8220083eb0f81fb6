package io.mdmsim.core.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tools nobody on this project wrote, used as cross-checks (plistutil, python3, openssl, scepclient ...).
 * Where one is missing its tests are skipped with a message naming the Debian package, unless
 * {@code MDMSIM_REQUIRE_TOOLS=1} (set by .ci/run), where a missing tool fails the test instead.
 */
public final class ExternalTools {

    private ExternalTools() {
    }

    /** The tool's path; skips (or, in CI, fails) the calling test when it is not on PATH. */
    public static Path require(String tool, String debianPackage) {
        Path found = find(tool);
        if (found == null) {
            String msg = tool + " is not installed (Debian package " + debianPackage + "): apt-get install -y "
                    + debianPackage;
            if ("1".equals(System.getenv("MDMSIM_REQUIRE_TOOLS"))) {
                throw new AssertionError(msg + " — MDMSIM_REQUIRE_TOOLS=1 makes this a failure");
            }
            Assumptions.abort(msg);
        }
        return found;
    }

    /** The tool's path on PATH, or null. */
    public static Path find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
