package io.mdmsim.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.scenarios.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's QA flow shows what the commands print: its scenario (the yaml block starting "# wait16.yaml") validated and
 * run here on its manual clock prints every line README shows of the validation, the expectations, the scep latency
 * line, the outcomes, the errors and the seed (the lines README elides with "..." and the real time aside).
 */
class ReadmeQaFlowTest {

    private static final Path README = Path.of("..", "README.md");

    @TempDir
    Path dir;

    @Test
    void theQaFlowPrintsWhatReadmeShows() throws IOException {
        String readme = Files.readString(README);
        int yaml = readme.indexOf("# wait16.yaml");
        assertTrue(yaml > 0, "README has the QA flow's scenario");
        Path file = dir.resolve("wait16.yaml");
        Files.writeString(file, readme.substring(yaml, readme.indexOf("```", yaml)));
        int shown = readme.indexOf("$ ./mdmsim validate wait16.yaml");
        String session = readme.substring(shown, readme.indexOf("```", shown));

        CliRun validate = CliRun.run("validate", file.toString());
        assertEquals(0, validate.exit(), validate.out() + validate.err());
        CliRun run = CliRun.run("run", file.toString(), "--out", dir.resolve("reports/wait16").toString());
        assertEquals(0, run.exit(), run.out() + run.err());

        List<String> missing = new ArrayList<>();
        for (String line : session.lines().toList()) {
            String l = line.stripTrailing();
            if (l.startsWith("$") || l.strip().startsWith("...") || l.isBlank() || l.startsWith("  real ")
                    || l.contains("reports/wait16/")) {
                continue; // commands, elisions, wall-clock time, paths (the test writes elsewhere)
            }
            String printed = l.startsWith("wait16.yaml") ? l.replace("wait16.yaml", file.toString())
                    : l.replace("(wait16.yaml)", "(" + file + ")");
            if (!(validate.out() + run.out()).contains(printed)) {
                missing.add(l);
            }
        }
        assertEquals(List.of(), missing, "README lines the commands did not print:\n" + validate.out() + run.out());
        assertTrue(run.out().contains(dir.resolve("reports/wait16/report.html").toString()), run.out());
    }
}
