package io.mdmsim.scenarios.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.scenarios.quickstart.AdminClient;
import io.mdmsim.scenarios.quickstart.Progress;
import io.mdmsim.scenarios.quickstart.Summary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "devices",
        mixinStandardHelpOptions = true,
        description = {
                "Run virtual iPhones and iPads through automated device enrollment: each fetches its cloud",
                "configuration from the fake ABM, then enrolls into whatever MDM server that configuration names",
                "(ours or any other). The devices are the fake ABM's inventory that is assigned to an MDM server.",
                "Exits 0 only if every device enrolled."
        })
final class DevicesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    PkiOption pki;

    @Option(names = "--abm", paramLabel = "URL", required = true,
            description = "Base URL of the fake ABM (its cloud configuration and admin inventory), e.g. http://127.0.0.1:8400.")
    URI abm;

    @Option(names = "--count", paramLabel = "N",
            description = "Run only the first N assigned devices (default: all assigned devices).")
    Integer count;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "200",
            description = "How many devices run at the same time (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed for UDIDs, IMEIs, keys' order and every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (count != null && count < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count: " + count + " (expected: 1 or more)");
        }
        if (concurrency < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--concurrency: " + concurrency + " (expected: 1 or more)");
        }
        PrintWriter out = spec.commandLine().getOut();
        SimClock clock = SimClock.system();
        Instant started = clock.now();
        List<DeviceSpec> specs = new ArrayList<>();
        for (JsonNode d : new AdminClient("fake ABM", abm).getJson("/admin/devices")) {
            if (d.path("mdmServer").isTextual() && (count == null || specs.size() < count)) {
                specs.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                        d.path("model").asText(), d.path("osVersion").asText(), d.path("buildVersion").asText()));
            }
        }
        if (specs.isEmpty()) {
            out.println("mdmsim devices: the fake ABM at " + abm + " has no device assigned to an MDM server;"
                    + " assign some first (POST /admin/assignments).");
            return Main.EXIT_EXPECTATION_FAILED;
        }
        out.printf("mdmsim devices: %d devices from %s%n", specs.size(), abm);
        Progress progress = new Progress(out, specs.size());
        FleetResult result = DeviceFleet.run(FleetConfig.builder()
                .cloudConfigUrl(abm.resolve("/cloudconfig"))
                .appleDeviceCa(pki.load(clock.now()).appleDeviceCa().identity())
                .devices(specs)
                .seed(seed)
                .clock(clock)
                .concurrency(concurrency)
                .listener(progress)
                .build());
        progress.finish();
        Summary summary = new Summary(result, Duration.between(started, clock.now()));
        summary.print(out);
        return summary.allEnrolled(specs.size()) ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
    }
}
