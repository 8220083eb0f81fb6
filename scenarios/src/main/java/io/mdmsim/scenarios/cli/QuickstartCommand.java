package io.mdmsim.scenarios.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mdmsim.device.Shard;
import io.mdmsim.scenarios.file.ScenarioFiles;
import io.mdmsim.scenarios.model.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {
                "Start the fake ABM, the MDM endpoint and N virtual iPhones in one JVM and enroll them end to end.",
                "Everything runs on loopback ports over HTTP: DEP token and sync, cloud configuration, MachineInfo,"
                        + " SCEP, Authenticate, TokenUpdate (awaiting configuration), DeviceInformation,"
                        + " DeviceConfigured.",
                "A built-in scenario run by the same runner as 'mdmsim run' (same progress and summary; a report"
                        + " folder with --out). 'mdmsim quickstart --print' shows it as a scenario file to start your"
                        + " own from.",
                "Exits 0 only if all N devices enrolled."
        },
        footer = {"", "Exit codes: 0 every device enrolled, 1 not every device enrolled, 2 bad usage, 70 a server"
                + " that cannot be reached or started."})
final class QuickstartCommand implements Callable<Integer> {

    /** The built-in scenario in the jar. */
    static final String RESOURCE = "mdmsim/quickstart.yaml";

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

    @Option(names = "--out", paramLabel = "DIR", description = "Write the report folder here (default: none).")
    Path out;

    @Option(names = "--print", description = "Print the built-in scenario (as YAML) and exit.")
    boolean print;

    @Override
    public Integer call() {
        if (print) {
            spec.commandLine().getOut().print(text());
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        }
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
        return RunCommand.run(spec.commandLine(), scenario(devices, seed, concurrency, devicesPerMinute), out, false,
                Shard.ALL, pkiDir);
    }

    /** The built-in scenario with these settings. */
    static Scenario scenario(int devices, long seed, int concurrency, int devicesPerMinute) {
        try {
            ObjectNode tree = (ObjectNode) new YAMLMapper().readTree(text());
            tree.put("seed", seed);
            ((ObjectNode) tree.withArray("populations").get(0)).put("count", devices);
            tree.putObject("fleet").put("concurrency", concurrency);
            if (devicesPerMinute > 0) {
                tree.putObject("world").putObject("abm").put("devicesPerMinute", devicesPerMinute);
            }
            return ScenarioFiles.read("quickstart (built in).json", io.mdmsim.scenarios.file.ScenariosJson.MAPPER.writeValueAsString(tree), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text() {
        try (InputStream in = QuickstartCommand.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
