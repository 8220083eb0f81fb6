package io.mdmsim.scenarios.cli;

import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "mdm",
        mixinStandardHelpOptions = true,
        description = {
                "Run the reference MDM server on 127.0.0.1: MachineInfo enrollment (/mdm/enroll), SCEP (/scep),",
                "check-in (/mdm/checkin) and commands (/mdm/connect), and a JSON admin API (/admin/...) for DEP",
                "tokens, devices and commands. It trusts the fake Apple device CA of the simulator PKI."
        })
final class MdmCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    PkiOption pki;

    @Option(names = "--dep-url", paramLabel = "URL", defaultValue = "https://mdmenrollment.apple.com",
            description = "Default DEP API base URL that uploaded server tokens sync from (default ${DEFAULT-VALUE});"
                    + " point it at a fake ABM, e.g. http://127.0.0.1:8400.")
    URI depUrl;

    @Override
    public Integer call() throws Exception {
        server.validate(spec.commandLine());
        SimClock clock = SimClock.system();
        var simPki = pki.load(clock.now());
        MdmServer mdm = MdmServer.start(MdmConfig.builder()
                .port(server.port)
                .seed(server.seed)
                .clock(clock)
                .scepCa(simPki.scepCa().identity())
                .trustedDeviceCas(List.of(simPki.appleDeviceCa().certificate()))
                .depBaseUrl(depUrl)
                .build());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("MDM endpoint listening on %s%n", mdm.baseUri());
        out.printf("  enrollment  %s%n", mdm.baseUri().resolve("/mdm/enroll"));
        out.printf("  SCEP        %s%n", mdm.baseUri().resolve("/scep"));
        out.printf("  check-in    %s%n", mdm.baseUri().resolve("/mdm/checkin"));
        out.printf("  commands    %s%n", mdm.baseUri().resolve("/mdm/connect"));
        out.printf("  admin API   %s  (DEP key: GET /admin/dep/public-key)%n", mdm.baseUri().resolve("/admin/devices"));
        Servers.runUntilStopped(mdm, out);
        return Main.EXIT_OK;
    }
}
