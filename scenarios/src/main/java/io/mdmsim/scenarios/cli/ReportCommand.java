package io.mdmsim.scenarios.cli;

import io.mdmsim.scenarios.file.ScenarioException;
import io.mdmsim.scenarios.file.ScenarioFiles;
import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.report.ReportFolder;
import io.mdmsim.scenarios.run.Verdicts;
import io.mdmsim.scenarios.report.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mdmsim report}: work on report folders. */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        description = "Work on the report folders that scenario runs write (docs/reports.md).",
        subcommands = {ReportCommand.Merge.class, CommandLine.HelpCommand.class})
final class ReportCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command, e.g. 'mdmsim report merge'.");
    }

    @Command(name = "merge",
            mixinStandardHelpOptions = true,
            description = {
                    "Merge the report folders of the shards of one run ('mdmsim run --shard I/N') into one:",
                    "counts added, latency histograms merged exactly (percentiles computed again, never averaged),",
                    "time series added interval by interval, every shard's traces copied. Each shard's expectations",
                    "are kept, named with their shard; with --scenario the scenario's expectations that a report alone",
                    "decides (no population: outcomes, stages, error counts, the DEP side, devices) are evaluated again",
                    "on the merged report in place of the shards' own.",
                    "Exits 0 when every expectation passed, 1 when one failed, 2 when the folders do not merge."
            })
    static final class Merge implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "DIR", description = "The shards' report folders (each with report.json).")
        List<Path> dirs;

        @Option(names = "--out", paramLabel = "DIR",
                description = "Where the merged report goes (default: reports/<scenario>-merged-<time>).")
        Path out;

        @Option(names = "--scenario", paramLabel = "FILE",
                description = "The scenario the shards ran: its expectations are evaluated again on the merged report.")
        Path scenario;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            Scenario ran = null;
            if (scenario != null) {
                try {
                    ran = ScenarioFiles.read(scenario);
                } catch (ScenarioException e) {
                    e.problems().forEach(p -> spec.commandLine().getErr().println(p));
                    spec.commandLine().getErr().flush();
                    return Main.EXIT_USAGE;
                }
            }
            try {
                Path target = out;
                if (target == null) {
                    RunReport first = io.mdmsim.scenarios.report.ReportJson.read(dirs.getFirst());
                    target = ReportFolder.defaultDir(first.scenario() + "-merged", Instant.now());
                }
                RunReport merged = ReportFolder.merge(dirs, target);
                if (ran != null) {
                    merged = evaluatedAgain(merged, ran);
                    ReportFolder.write(target, merged);
                }
                stdout.printf("merged %d report%s of %s (seed %d, shards %s): %d devices, %d enrolled, %d not as"
                                + " expected%n", dirs.size(), dirs.size() == 1 ? "" : "s", merged.scenario(),
                        merged.seed(), String.join(", ", merged.mergedFrom()), merged.devices().total(),
                        merged.devices().enrolled(), merged.devices().unexpected());
                for (RunReport.ExpectationResult e : merged.expectations()) {
                    stdout.printf("  %s %s: expected %s, actual %s%n", e.passed() ? "\u2713" : "\u2717", e.name(),
                            e.expected(), e.actual());
                }
                stdout.printf("  report  %s%n", target.resolve(ReportFolder.JSON));
                stdout.printf("  page    %s%n", target.resolve(ReportFolder.HTML));
                stdout.flush();
                return merged.passed() ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }

        /** The scenario's expectations a report decides, evaluated on the merge; the shards' others kept. */
        static RunReport evaluatedAgain(RunReport merged, Scenario ran) {
            List<RunReport.ExpectationResult> again = Verdicts.onReport(ran.expectations(), merged);
            java.util.Set<String> names = new java.util.HashSet<>();
            again.forEach(e -> names.add(e.name()));
            List<RunReport.ExpectationResult> all = new java.util.ArrayList<>(again);
            for (RunReport.ExpectationResult e : merged.expectations()) {
                if (!names.contains(e.name().replaceFirst("^\\[\\d+/\\d+\\] ", ""))) {
                    all.add(e);
                }
            }
            return merged.withExpectations(all);
        }
    }
}
