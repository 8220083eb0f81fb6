package io.mdmsim.scenarios.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mdmsim bench NAME}: the named benchmarks. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {EnrollBench.class, EnrollOtaBench.class, CommandsBench.class, IdleFleetBench.class,
                AbmFetchBench.class, DepSyncBench.class},
        description = {
                "Run a named benchmark and print one table of its figures.",
                "Each starts the parts it needs on 127.0.0.1 (in this JVM, or with --split as processes of their"
                        + " own), drives them over the wire, and prints throughput, latency per stage (p50/p95/p99),"
                        + " CPU per operation for each part, heap and RSS, the JVM, GC and machine; the same as JSON"
                        + " (--json, default bench-NAME.json). --warmup runs first and is not measured.",
                "Take figures on a quiet machine: the table shows the load average before and after. A device"
                        + " waits up to 3 minutes for an HTTP answer (a saturated server is measured, not failed).",
                "",
                "  enroll       full ADE enrollments: cloud configuration, MachineInfo, SCEP, Authenticate,",
                "               TokenUpdate, DeviceInformation, DeviceConfigured (fake ABM, MDM, devices)",
                "  enroll-ota   over-the-air enrollments into the MDM: profile download, SCEP, check-in",
                "  commands     command round trips over enrolled devices, pushed through the fake APNs",
                "  idle-fleet   N enrolled devices holding their push channel: heap and RSS per device",
                "  abm-fetch    a full DEP fetch from the fake ABM (session, then every page)",
                "  dep-sync     the MDM's DEP sync of a server token from the fake ABM",
                "",
                "'mdmsim bench NAME --help' lists a benchmark's options."
        })
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing a benchmark, e.g. 'mdmsim bench enroll' (see 'mdmsim bench --help').");
    }
}
