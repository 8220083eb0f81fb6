package io.mdmsim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.testing.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DESIGN.md's module rule is enforced by the build: a copy of the project's poms with one forbidden edge added must
 * fail Maven's validate phase with the rule's message, and the unmodified copy must pass.
 */
@Tag("slow") // eight mvn validate subprocesses; CI runs it, -DexcludedGroups=slow skips it
class ModuleRuleTest {

    private static final List<String> MODULES =
            List.of("simulator-core", "fake-abm", "mdm-endpoint", "device-emulator", "scenarios", "benchmarks");
    private static Path root;

    @BeforeAll
    static void findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("scenarios/pom.xml"))) {
            p = p.getParent();
        }
        root = p;
        if (root == null) {
            throw new AssertionError("project root (scenarios/pom.xml above) not found from " + Path.of("").toAbsolutePath());
        }
        if (!onPath("mvn")) {
            throw Prerequisites.missing("mvn is not on PATH (Debian package maven): apt-get install -y maven");
        }
    }

    @Test
    void theProjectAsItIsPassesTheRule() throws Exception {
        Path copy = copyPoms(null, null);
        Result r = validate(copy);
        assertEquals(0, r.exit, r.output);
    }

    @ParameterizedTest(name = "{0} -> {1} is refused")
    @CsvSource({
            "device-emulator, mdm-endpoint",
            "device-emulator, fake-abm",
            "mdm-endpoint, fake-abm",
            "fake-abm, device-emulator",
            "fake-abm, mdm-endpoint",
            "mdm-endpoint, device-emulator",
            "scenarios, benchmarks",
            "device-emulator, benchmarks",
            "fake-abm, benchmarks",
            "benchmarks, scenarios",
    })
    void aForbiddenDependencyFailsTheBuild(String from, String to) throws Exception {
        Path copy = copyPoms(from, to);
        Result r = validate(copy);
        assertNotEquals(0, r.exit, "the build accepted " + from + " -> " + to + ":\n" + r.output);
        assertTrue(r.output.contains("Module rule (DESIGN.md): " + from + " may not depend on that module"), r.output);
        assertTrue(r.output.contains("io.mdmsim:" + to), r.output);
    }

    @Test
    void simulatorCoreCannotDependOnAnyPartBecauseThatIsACycle() throws Exception {
        Path copy = copyPoms("simulator-core", "device-emulator");
        Result r = validate(copy);
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("cyclic reference"), r.output);
    }

    private static Path copyPoms(String from, String to) throws IOException {
        Path dir = Files.createTempDirectory("module-rule");
        Files.copy(root.resolve("pom.xml"), dir.resolve("pom.xml"));
        for (String m : MODULES) {
            Files.createDirectories(dir.resolve(m));
            String pom = Files.readString(root.resolve(m).resolve("pom.xml"), StandardCharsets.UTF_8);
            if (m.equals(from)) {
                pom = pom.replaceFirst("<dependencies>",
                        "<dependencies>\n    <dependency><groupId>io.mdmsim</groupId><artifactId>" + to
                                + "</artifactId><version>\\${project.version}</version></dependency>");
            }
            Files.writeString(dir.resolve(m).resolve("pom.xml"), pom, StandardCharsets.UTF_8);
        }
        return dir;
    }

    private record Result(int exit, String output) { }

    private static Result validate(Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-o", "-q", "--no-transfer-progress", "validate"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mvn validate did not finish:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
