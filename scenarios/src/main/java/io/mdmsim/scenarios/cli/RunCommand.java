package io.mdmsim.scenarios.cli;

import io.mdmsim.device.Shard;
import io.mdmsim.scenarios.console.Terminal;
import io.mdmsim.scenarios.file.Problem;
import io.mdmsim.scenarios.file.ScenarioException;
import io.mdmsim.scenarios.file.ScenarioFiles;
import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.report.ReportFolder;
import io.mdmsim.scenarios.run.ScenarioRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {
                "Run a scenario file (YAML, or JSON): start its world (the fake ABM, the reference MDM or your system"
                        + " under test), set it up as its administrators would, run its populations of virtual devices"
                        + " with its load model and timed actions on its clock, and decide the verdict by its"
                        + " expectations.",
                "Shows live progress (redrawn in place on a terminal, a short block every 10 seconds otherwise), then"
                        + " a summary: expectations with ✓/✗ and the observed value, stage latencies, outcomes, the"
                        + " most frequent errors, the seed and the files written. Writes a report folder: report.json,"
                        + " report.html, junit.xml, timeseries.csv and traces/ of the devices that did not end as"
                        + " expected.",
                "Check a file without running it: 'mdmsim validate FILE'. Scenarios to start from: scenarios/library/."
        },
        footer = {"", "Exit codes: 0 every expectation met; 1 an expectation failed; 2 bad command line or scenario"
                + " (each problem as FILE:LINE:COLUMN: what is wrong (expected: ...)); 70 runtime failure (a server"
                + " could not start, a port was taken ...); 130 stopped by Ctrl-C or SIGTERM (the summary and the report"
                + " are written first)."})
final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SCENARIO", description = "The scenario file, e.g. scenarios/library/scep-wait-16-minutes.yaml.")
    Path file;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The report folder (default: reports/<scenario>-<date>-<time>).")
    Path out;

    @Option(names = "--quiet", description = "Print only the summary.")
    boolean quiet;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run only shard I of N of the devices (1-based; the population's serials sorted and cut into"
                    + " N ranges), so N processes with the same scenario and seed split it; 'mdmsim report merge'"
                    + " joins their reports. Default: all.")
    String shard;

    @Option(names = "--seed", paramLabel = "S", description = "Use this seed instead of the scenario's.")
    Long seed;

    @Override
    public Integer call() {
        Shard part;
        try {
            part = shard == null ? Shard.ALL : Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        Scenario scenario;
        try {
            scenario = ScenarioFiles.read(file);
        } catch (ScenarioException e) {
            for (Problem p : e.problems()) {
                spec.commandLine().getErr().println(p);
            }
            spec.commandLine().getErr().flush();
            return Main.EXIT_USAGE;
        }
        if (seed != null) {
            scenario = scenario.withSeed(seed);
        }
        return run(spec.commandLine(), scenario, out != null ? out
                : ReportFolder.defaultDir(scenario.name(), Instant.now()), quiet, part, null);
    }

    /**
     * Runs a scenario read or built in: exit 0, 1, or 2 for a scenario problem found while setting up its world; 130
     * when Ctrl-C or SIGTERM stopped it (after the summary and the report).
     */
    static int run(CommandLine cl, Scenario scenario, Path out, boolean quiet, Shard part, Path pkiDir) {
        if (out != null) {
            // before the run, not after it: the traces go there while it runs, and a long run's result is not lost
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cl, "--out: " + out + " cannot be created: "
                        + CliFailure.reason(e) + " (expected: a folder this user can write)");
            }
            if (!Files.isWritable(out)) {
                throw new CommandLine.ParameterException(cl, "--out: " + out + " is not writable (expected: a folder"
                        + " this user can write)");
            }
        }
        try (Interruption interruption = Interruption.install(cl.getErr())) {
            ScenarioRunner.Outcome outcome = new ScenarioRunner(scenario,
                    new ScenarioRunner.Options(out, quiet, Terminal.isTerminal(), part, pkiDir), cl.getOut()).run();
            if (interruption.signalled() || outcome.end() == ScenarioRunner.End.STOPPED) {
                cl.getOut().printf("  stopped by Ctrl-C or SIGTERM: %d devices had not finished; exit %d%n",
                        outcome.report().count(io.mdmsim.device.Outcome.INTERRUPTED), Interruption.EXIT_INTERRUPTED);
                cl.getOut().flush();
                return Interruption.EXIT_INTERRUPTED;
            }
            return outcome.passed() ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
        } catch (ScenarioException e) {
            cl.getOut().flush();
            for (Problem p : e.problems()) {
                cl.getErr().println(p);
            }
            cl.getErr().flush();
            return Main.EXIT_USAGE;
        }
    }
}
