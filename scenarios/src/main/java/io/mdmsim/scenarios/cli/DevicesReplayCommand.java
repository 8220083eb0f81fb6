package io.mdmsim.scenarios.cli;

import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceReplay;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.DeviceTrace;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.TraceOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mdmsim devices replay TRACE}: one device again, from its trace, against a server. The trace fixes the device
 * (serial, model, OS, the fleet seed and so its UDID, IMEI, push magic; its knobs); the new run writes a trace of its
 * own, and the command says where it first went another way than the recording.
 */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {
                "Run one device again from its trace (written by 'mdmsim devices --trace-dir').",
                "The device has the same serial, model, OS, seed and knobs, so the same UDID and every derived fact,"
                        + " and runs against the recorded server or --server.",
                "Writes the new run's trace and says where it first differs from the recording.",
                "Exits 0 if the device enrolled."
        })
public final class DevicesReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    PkiOption pki;

    @Parameters(index = "0", paramLabel = "TRACE", description = "A device trace (<serial>.jsonl).")
    Path trace;

    @Option(names = "--server", paramLabel = "URL",
            description = "Where the device fetches its cloud configuration: the fake ABM's base URL or a full"
                    + " cloud-configuration URL (default: the one in the trace).")
    URI server;

    @Option(names = "--out", paramLabel = "FILE",
            description = "The replay's own trace (default: TRACE with .replay.jsonl).")
    Path out;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(trace)) {
            throw usage("TRACE: " + trace + " is not a file (expected: a device trace written by --trace-dir)");
        }
        DeviceTrace recorded;
        try {
            recorded = DeviceTrace.read(trace);
        } catch (IllegalArgumentException e) {
            throw usage("TRACE: " + e.getMessage());
        } catch (IOException e) {
            throw usage(CliFailure.unreadable("TRACE", trace, e));
        }
        URI cloudConfig;
        try {
            cloudConfig = server == null ? null : cloudConfigUrl(server);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Path target = out != null ? out : trace.resolveSibling(trace.getFileName().toString()
                .replaceFirst("\\.jsonl$", "") + ".replay.jsonl");
        PrintWriter w = spec.commandLine().getOut();
        DeviceSpec d = recorded.spec();
        w.printf("mdmsim devices replay: %s (%s, iOS %s, seed %d, UDID %s)%n", d.serialNumber(), d.productType(),
                d.osVersion(), recorded.seed(), recorded.udid());
        w.printf("  recorded       %s against %s%n", recorded.outcome(), recorded.cloudConfigUrl());
        w.flush();

        SimClock clock = SimClock.system();
        SimPki simPki = pki.load(clock.now());
        Path dir;
        try {
            dir = Files.createTempDirectory("mdmsim-replay");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder: " + e.getMessage(), e);
        }
        FleetConfig config = DeviceReplay.config(recorded, cloudConfig, simPki.appleDeviceCa().identity())
                .clock(clock)
                .trustAnchors(List.of(simPki.root().certificate()))
                .traces(TraceOptions.all(dir))
                .build();
        FleetResult result = DeviceFleet.run(config);
        DeviceResult r = result.devices().getFirst();
        try {
            Path written = TraceOptions.all(dir).file(d.serialNumber());
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.move(written, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(dir);
            DeviceReplay.Comparison c = DeviceReplay.compare(recorded, DeviceTrace.read(target));
            w.printf("  replayed       %s against %s%n", r.enrolled() ? "ENROLLED"
                    : r.outcome() + " at " + r.stage() + ": " + r.reason(), config.cloudConfigUrl());
            w.printf("  compared       %s%n", c.summary());
            w.printf("  trace          %s%n", target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the replay's trace " + target + ": " + e.getMessage(), e);
        }
        w.flush();
        return r.enrolled() ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
    }

    /** A base URL gets "/cloudconfig"; a URL with a path is used as is. */
    static URI cloudConfigUrl(URI server) {
        if (server.getScheme() == null || server.getHost() == null) {
            throw new IllegalArgumentException("--server: " + server + " (expected: an http or https URL)");
        }
        String path = server.getPath();
        return path == null || path.isEmpty() || path.equals("/") ? server.resolve("/cloudconfig") : server;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
