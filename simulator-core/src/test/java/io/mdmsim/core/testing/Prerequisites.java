package io.mdmsim.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The one gate for what a test needs from outside the project: a tool nobody here wrote ({@link ExternalTools#require})
 * or Apple's schema repositories ({@link #appleDeviceManagement()}, {@link #appleDeviceServices()}). Present: the test
 * runs. Absent: the test is skipped with one line naming what is missing and where it was looked for. With
 * {@code MDMSIM_REQUIRE_TOOLS=1} (set by {@code .ci/run}) an absent prerequisite fails the test instead, so CI runs every
 * cross-check.
 *
 * <p>Apple's schemas are not part of the project: the product carries what it needs from them as its own data, and
 * only the tests that cross-check that data and our traffic read them. They are looked for in the folder named by the
 * system property {@code mdmsim.shared.dir} (surefire sets it to {@code ../shared} beside the checkout), then in a
 * {@code shared/} folder in any ancestor of the working directory.
 */
public final class Prerequisites {
    /** The environment variable that turns a skip into a failure. */
    public static final String REQUIRE_ENV = "MDMSIM_REQUIRE_TOOLS";

    /** apple/device-management: Apple's YAML schemas of check-in messages, commands, profiles, skip keys. */
    public static final String APPLE_DEVICE_MANAGEMENT = "apple-device-management";

    /** micromdm/apple-device-services: the JSON schemas of the DEP API's bodies (under dep/schemas). */
    public static final String APPLE_DEVICE_SERVICES = "apple-device-services";

    private Prerequisites() {}

    /**
     * Skips the calling test with {@code message} (one line: what is missing, where it was looked for, how to get it),
     * or fails it when {@code MDMSIM_REQUIRE_TOOLS=1}. Never returns normally.
     */
    public static AssertionError missing(String message) {
        if (required()) {
            throw new AssertionError(message + " (" + REQUIRE_ENV + "=1 makes this a failure)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** Whether a missing prerequisite fails rather than skips ({@code MDMSIM_REQUIRE_TOOLS=1}). */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    /** {@code apple-device-management} (Apple's YAML schemas), or skip the calling test. */
    public static Path appleDeviceManagement() {
        return appleRepository(APPLE_DEVICE_MANAGEMENT, "github.com/apple/device-management");
    }

    /** {@code apple-device-services} (the DEP API's JSON schemas), or skip the calling test. */
    public static Path appleDeviceServices() {
        return appleRepository(APPLE_DEVICE_SERVICES, "github.com/micromdm/apple-device-services");
    }

    /** Whether {@code folder} (one of the two repositories) is there, without skipping. */
    public static boolean present(String folder) {
        return locate(folder) != null;
    }

    private static Path appleRepository(String folder, String source) {
        String property = System.getProperty("mdmsim.shared.dir");
        Path cwd = Path.of("").toAbsolutePath();
        Path found = locate(folder, property, cwd);
        if (found == null) {
            throw missing(missingMessage(folder, source, property, cwd));
        }
        return found;
    }

    private static Path locate(String folder) {
        return locate(folder, System.getProperty("mdmsim.shared.dir"), Path.of("").toAbsolutePath());
    }

    /** {@code folder} in {@code property}'s folder, else in a {@code shared/} of {@code cwd} or an ancestor; or null. */
    static Path locate(String folder, String property, Path cwd) {
        if (property != null && Files.isDirectory(Path.of(property, folder))) {
            return Path.of(property, folder).toAbsolutePath().normalize();
        }
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("shared").resolve(folder))) {
                return p.resolve("shared").resolve(folder);
            }
        }
        return null;
    }

    /** The one line of a skipped cross-check: the missing folder, where it was looked for, where to get it. */
    static String missingMessage(String folder, String source, String property, Path cwd) {
        String where = property == null ? "mdmsim.shared.dir (not set)"
                : Path.of(property).toAbsolutePath().normalize() + " (mdmsim.shared.dir)";
        return "Apple's schemas are missing: no " + folder + "/ in " + where + " nor in a shared/ folder above " + cwd
                + "; put a copy of " + source + " there to run this cross-check";
    }
}
