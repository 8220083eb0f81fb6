package io.mdmsim.scenarios.cli;

import io.mdmsim.scenarios.quickstart.Quickstart;
import io.mdmsim.scenarios.quickstart.QuickstartOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {
                "Start the fake ABM, the MDM endpoint and N virtual iPhones in one JVM and enroll them end to end.",
                "Everything runs on loopback ports over HTTP: DEP token and sync, cloud configuration, MachineInfo,"
                        + " SCEP, Authenticate, TokenUpdate (awaiting configuration), DeviceInformation,"
                        + " DeviceConfigured.",
                "Prints progress by stage and a summary; exits 0 only if all N devices enrolled."
        })
final class QuickstartCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "10",
            description = "How many virtual iPhones to enroll (1..10000, default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed for the device inventory and every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "200",
            description = "How many devices run their enrollment at the same time (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--devices-per-minute", paramLabel = "R", defaultValue = "0",
            description = "The fake ABM's pace for newly assigned devices: 3000 is Apple's; 0 = unlimited"
                    + " (default ${DEFAULT-VALUE}, so the quickstart measures enrollment, not the sync pace).")
    int devicesPerMinute;

    @Option(names = "--pki-dir", paramLabel = "DIR",
            description = "Keep the simulator PKI in this directory (created if missing). Default: in memory.")
    Path pkiDir;

    @Override
    public Integer call() {
        if (devices < 1 || devices > 10_000) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--devices: " + devices + " (expected: 1..10000)");
        }
        if (concurrency < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--concurrency: " + concurrency + " (expected: 1 or more)");
        }
        if (devicesPerMinute < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--devices-per-minute: " + devicesPerMinute + " (expected: 0 for unlimited, or more)");
        }
        var options = new QuickstartOptions(devices, seed, concurrency, pkiDir, devicesPerMinute);
        boolean allEnrolled = new Quickstart(options, spec.commandLine().getOut()).run();
        return allEnrolled ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
    }
}
