package io.mdmsim.scenarios.cli;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.time.SimClock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "abm",
        mixinStandardHelpOptions = true,
        description = {
                "Run the fake Apple Business Manager on 127.0.0.1: the Device Assignment (DEP) API an MDM server",
                "syncs from (OAuth /session, /account, /server/devices, /devices/sync, /profile, /profile/devices),",
                "the cloud configuration activating devices fetch (/cloudconfig), and a JSON admin API (/admin/...)",
                "to create MDM servers, download server tokens and assign devices."
        })
final class AbmCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    PkiOption pki;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "100",
            description = "Devices in the organization's inventory, generated from the seed (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--devices-per-minute", paramLabel = "R", defaultValue = "3000",
            description = "Apple's pace: how fast newly assigned devices become visible to fetch and sync;"
                    + " 0 = unlimited (default ${DEFAULT-VALUE}).")
    int devicesPerMinute;

    @Override
    public Integer call() throws Exception {
        server.validate(spec.commandLine());
        if (devices < 0 || devices > 1_000_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--devices: " + devices + " (expected: 0..1000000)");
        }
        if (devicesPerMinute < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--devices-per-minute: " + devicesPerMinute + " (expected: 0 for unlimited, or more)");
        }
        SimClock clock = SimClock.system();
        var simPki = pki.load(clock.now());
        FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder()
                .port(server.port)
                .seed(server.seed)
                .deviceCount(devices)
                .devicesPerMinute(devicesPerMinute)
                .clock(clock)
                .appleDeviceCa(simPki.appleDeviceCa().certificate())
                .build());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("fake ABM listening on %s%n", abm.baseUri());
        out.printf("  DEP API             %s  (GET /session, /account; POST /server/devices ...)%n", abm.baseUri());
        out.printf("  cloud configuration %s%n", abm.baseUri().resolve("/cloudconfig"));
        out.printf("  admin API           %s%n", abm.baseUri().resolve("/admin/devices"));
        out.printf("  %d devices, seed %d%n", devices, server.seed);
        Servers.runUntilStopped(abm, out);
        return Main.EXIT_OK;
    }
}
