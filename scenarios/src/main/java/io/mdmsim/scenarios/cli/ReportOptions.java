package io.mdmsim.scenarios.cli;

import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Shard;
import io.mdmsim.scenarios.quickstart.AdminClient;
import io.mdmsim.scenarios.report.DepFigures;
import io.mdmsim.scenarios.report.ReportFolder;
import io.mdmsim.scenarios.report.RunRecorder;
import io.mdmsim.scenarios.report.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --report DIR} for commands that run a fleet: the run's report folder (docs/reports.md), whose verdict is
 * one expectation, every device enrolled. A picocli mixin.
 */
public final class ReportOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write the run's report folder: report.json, report.html, junit.xml, timeseries.csv and"
                    + " traces/ (the traces of devices that did not enroll, unless --trace-dir says elsewhere)."
                    + " Shards' folders join with 'mdmsim report merge'.")
    Path dir;

    @Option(names = "--report-interval", paramLabel = "DURATION", defaultValue = "1m",
            converter = DevicesCommand.DurationConverter.class,
            description = "The report's time-series interval on the run's clock (default ${DEFAULT-VALUE}).")
    Duration interval;

    /** The recorder of the run, null without --report; sets the trace folder into the report when none is set. */
    RunRecorder recorder(String scenario, long seed, Shard shard, SimClock clock, int devices,
                         DevicesOpsOptions ops) {
        if (dir == null) {
            return null;
        }
        if (interval.toMillis() < 1 || interval.compareTo(Duration.ofDays(1)) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--report-interval: " + interval + " (expected: 1ms..1d)");
        }
        if (ops.traceDir == null) {
            ops.traceDir = ReportFolder.traces(dir);
        }
        return RunRecorder.builder().scenario(scenario).seed(seed).shard(shard).clock(clock).devices(devices)
                .interval(interval).traces(ops.traceDir, dir).build();
    }

    /** The fleet's listener: the progress, and the recorder when there is one. */
    static FleetListener listener(FleetListener progress, RunRecorder recorder) {
        return recorder == null ? progress : FleetListener.both(progress, recorder);
    }

    /**
     * Writes the folder (nothing without --report) and prints where. With a fake ABM on the same clock as the run
     * ({@code abm} not null), the report gets its DEP side from the ABM's metrics first.
     */
    void write(RunRecorder recorder, FleetResult result, int devices, PrintWriter out, URI abm) {
        if (recorder == null) {
            return;
        }
        if (abm != null) {
            try {
                DepFigures.record(new AdminClient("fake ABM", abm).getJson(DepFigures.query(recorder)), recorder);
            } catch (RuntimeException e) {
                out.printf("  (no DEP figures in the report: %s)%n", e.getMessage());
            }
        }
        int enrolled = result.count(Outcome.ENROLLED);
        RunReport report = recorder.snapshot().withExpectations(List.of(new RunReport.ExpectationResult(
                "every device enrolled", "== " + devices, Integer.toString(enrolled), enrolled == devices)));
        try {
            List<Path> written = ReportFolder.write(dir, report);
            out.printf("  report         %s%n", written.getFirst());
            out.printf("  page           %s%n", written.get(1));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir + ": " + e.getMessage(), e);
        }
    }
}
