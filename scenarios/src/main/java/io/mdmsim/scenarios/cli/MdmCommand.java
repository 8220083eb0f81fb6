package io.mdmsim.scenarios.cli;

import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "mdm",
        mixinStandardHelpOptions = true,
        subcommands = {MdmCommand.Tokens.class, MdmCommand.Sync.class, MdmCommand.Profile.class,
                MdmPolicyCommands.Policy.class, MdmPolicyCommands.Vpp.class, MdmPolicyCommands.Alerts.class,
                MdmLifecycleCommands.Devices.class},
        description = {
                "Run the reference MDM server on 127.0.0.1: MachineInfo enrollment",
                "(/mdm/enroll), SCEP (/scep), check-in (/mdm/checkin), commands (/mdm/connect),",
                "APNs pushes, and a JSON admin API (/admin/...) for DEP tokens, devices,",
                "commands, declarations, events and the clock. It trusts the fake Apple device",
                "CA of the simulator PKI."
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

    @Option(names = "--https", description = "Also listen on HTTPS with the simulator PKI's TLS certificate; profiles"
            + " then carry https URLs and a trust payload with the simulator root.")
    boolean https;

    @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of the HTTPS listener (0 picks a free one; default ${DEFAULT-VALUE}).")
    int httpsPort;

    @Option(names = "--client-certs", description = "Ask TLS clients for a certificate: a device identity presented"
            + " there identifies requests without Mdm-Signature (needs --https).")
    boolean clientCerts;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "Base URL written into profiles (default: the HTTPS listener with --https, else the HTTP one).")
    URI publicUrl;

    @Option(names = "--apns-url", paramLabel = "URL|off", defaultValue = "https://api.push.apple.com",
            description = "APNs provider API to push through (default ${DEFAULT-VALUE}); the fake ABM's APNs, e.g."
                    + " https://127.0.0.1:8443, or 'off'. Any URL but Apple's is trusted through the simulator root.")
    String apnsUrl;

    @Option(names = "--webhook", paramLabel = "URL",
            description = "POST every event (check-ins, reports, enrollments, SCEP, pushes) there as JSON.")
    URI webhook;

    @Option(names = "--sign-profiles", description = "CMS-sign the enrollment profile with the TLS certificate.")
    boolean signProfiles;

    @Option(names = "--min-os", paramLabel = "VERSION", description = "Refuse enrollment below this OS version:"
            + " 403 com.apple.softwareupdate.required for devices that can update, e.g. 18.2.")
    String minOs;

    @Option(names = "--min-build", paramLabel = "BUILD", description = "BuildVersion named with --min-os, e.g. 22C152.")
    String minBuild;

    @Option(names = "--error-format", paramLabel = "json|plist", defaultValue = "json",
            description = "Body format of 403 refusals (ADM mdm/errors; default ${DEFAULT-VALUE}).")
    String errorFormat;

    @Option(names = "--scep-ra", description = "GetCACert answers RA and CA (application/x-x509-ca-ra-cert); the RA"
            + " decrypts requests and signs replies.")
    boolean scepRa;

    @Option(names = "--scep-pending", paramLabel = "N", defaultValue = "0",
            description = "Fault: answer a good SCEP request PENDING N times before issuing (to CertPoll; default"
                    + " ${DEFAULT-VALUE}).")
    int scepPending;

    @Option(names = "--user-auth", paramLabel = "decline|digest", defaultValue = "decline",
            description = "Answer to UserAuthenticate: decline (410) or the digest exchange (default ${DEFAULT-VALUE}).")
    String userAuth;

    @Option(names = "--clock", paramLabel = "wall|manual|xN", defaultValue = "wall",
            description = "Simulated clock: wall time, manual (moved with POST /admin/clock), or xN, N times faster"
                    + " (default ${DEFAULT-VALUE}).")
    String clockMode;

    @Option(names = "--dep-sync-interval", paramLabel = "DURATION", defaultValue = "12h",
            converter = DevicesCommand.DurationConverter.class,
            description = "Simulated time between delta syncs of each DEP token (default ${DEFAULT-VALUE}, the seeds');"
                    + " a manual sync (mdm sync) is allowed every 15 minutes.")
    Duration depSyncInterval;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the server's state in DIR/mdm.db (SQLite, made private: 0700/0600) across restarts:"
                    + " devices and enrollments, command queues and history, identity bindings, SCEP challenges,"
                    + " declarations, the DEP key pair, DEP tokens (sync state, cursors, profiles) and the enrollment"
                    + " policy with its VPP tokens. Every change is on disk before it is answered. Default: in memory"
                    + " only. One server per directory.")
    Path dataDir;

    @Option(names = "--organization", paramLabel = "NAME", defaultValue = "mdmsim",
            description = "PayloadOrganization of the profiles (default ${DEFAULT-VALUE}).")
    String organization;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        server.validate(cl);
        if (clientCerts && !https) {
            throw new CommandLine.ParameterException(cl, "--client-certs needs --https (client certificates travel"
                    + " over TLS)");
        }
        if (minBuild != null && minOs == null) {
            throw new CommandLine.ParameterException(cl, "--min-build needs --min-os");
        }
        SimClock clock = clock(cl, clockMode);
        SimPki simPki = pki.load(clock.now());
        URI apns = apnsUrl.equalsIgnoreCase("off") ? null : uri(cl, "--apns-url", apnsUrl);
        MdmConfig.Builder b = MdmConfig.builder()
                .port(server.port)
                .seed(server.seed)
                .clock(clock)
                .organization(organization)
                .depSyncInterval(depSyncInterval)
                .scepCa(simPki.scepCa().identity())
                .trustedDeviceCas(List.of(simPki.appleDeviceCa().certificate()))
                .depBaseUrl(depUrl)
                .publicBaseUrl(publicUrl)
                .apnsUrl(apns)
                .apnsTrustAnchors(apns == null || apns.equals(MdmConfig.APPLE_APNS_URL) ? List.of()
                        : List.of(simPki.root().certificate()))
                .webhookUrl(webhook)
                .minimumOsVersion(minOs)
                .minimumBuildVersion(minBuild)
                .errorBodyFormat(choice(cl, "--error-format", errorFormat, MdmConfig.ErrorBodyFormat.class))
                .scepRa(scepRa)
                .scepPendingRounds(scepPending)
                .userAuthentication(choice(cl, "--user-auth", userAuth, MdmConfig.UserAuthentication.class))
                .dataDir(dataDir);
        if (https) {
            b.tls(simPki.tlsServer()).httpsPort(httpsPort).requestClientCertificates(clientCerts);
        }
        if (signProfiles) {
            b.profileSigner(simPki.tlsServer());
        }
        MdmConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        MdmServer mdm = MdmServer.start(config);
        PrintWriter out = cl.getOut();
        URI base = mdm.publicBaseUrl();
        out.printf("MDM endpoint listening on %s%s%n", mdm.baseUri(),
                mdm.httpsUri() == null ? "" : " and " + mdm.httpsUri());
        out.printf("  enrollment  %s%n", base.resolve("/mdm/enroll"));
        out.printf("  SCEP        %s%s%n", base.resolve("/scep"), scepRa ? "  (CA + RA)" : "");
        out.printf("  check-in    %s%n", base.resolve("/mdm/checkin"));
        out.printf("  commands    %s%n", base.resolve("/mdm/connect"));
        out.printf("  admin API   %s  (DEP key: GET /admin/dep/public-key; events: GET /admin/events)%n",
                mdm.baseUri().resolve("/admin/devices"));
        out.printf("  APNs        %s%n", apns == null ? "off" : apns);
        out.printf("  clock       %s%n", clock.describe());
        out.printf("  state       %s%n", mdm.stateLocation().equals("memory") ? "in memory (--data-dir keeps it)"
                : mdm.stateLocation());
        Servers.runUntilStopped(mdm, out);
        return Main.EXIT_OK;
    }

    private static SimClock clock(CommandLine cl, String mode) {
        String m = mode.toLowerCase(Locale.ROOT);
        if (m.equals("wall")) {
            return SimClock.system();
        }
        if (m.equals("manual")) {
            return SimClock.manual(SimClock.system().now());
        }
        if (m.startsWith("x")) {
            try {
                double factor = Double.parseDouble(m.substring(1));
                if (factor > 0 && Double.isFinite(factor)) {
                    return SimClock.scaled(factor);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new CommandLine.ParameterException(cl, "--clock: " + mode + " (expected: wall, manual or xN such as x60)");
    }

    private static URI uri(CommandLine cl, String option, String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, option + ": " + value + " (expected: a URL)");
        }
    }

    private static <E extends Enum<E>> E choice(CommandLine cl, String option, String value, Class<E> type) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder expected = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                expected.append(expected.isEmpty() ? "" : " or ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new CommandLine.ParameterException(cl, option + ": " + value + " (expected: " + expected + ")");
        }
    }

    /** Where a running MDM's admin API is. */
    static final class Target {
        @Option(names = "--mdm", paramLabel = "URL", required = true, description = "Base URL of the running MDM.")
        URI url;

        io.mdmsim.scenarios.quickstart.AdminClient client() {
            return new io.mdmsim.scenarios.quickstart.AdminClient("MDM", url);
        }
    }

    @Command(name = "tokens", mixinStandardHelpOptions = true,
            subcommands = {MdmTokenCommands.PublicKey.class, MdmTokenCommands.Add.class, MdmTokenCommands.Renew.class,
                    MdmTokenCommands.Delete.class, MdmTokenCommands.Devices.class, MdmTokenCommands.DeleteDevice.class},
            description = {"List the enrollment program (DEP) tokens of a running MDM with expiry, Apple ID,"
                    + " organization, last sync, sync state and progress.",
                    "The seeds' add flow: mdm tokens public-key --out mdm.pem → create an MDM server with it in ABM",
                    "and download its .p7m → mdm tokens add --p7m token.p7m --apple-id ID [--dep-url ABM]."})
    static final class Tokens implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        // not a required mixin: `mdm tokens add --mdm URL ...` gives it to the subcommand
        @Option(names = "--mdm", paramLabel = "URL", description = "Base URL of the running MDM.")
        URI mdmUrl;

        @Override
        public Integer call() {
            if (mdmUrl == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--mdm=URL'");
            }
            Target target = new Target();
            target.url = mdmUrl;
            return MdmClientCommand.print(spec, () -> target.client().getJson("/admin/dep/tokens"),
                    MdmClientCommand::message);
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Sync a DEP token now (at most once every 15 minutes; --full at most once every 7 days).",
                    "A refusal says when the next sync is allowed (exit 1)."})
    static final class Sync extends MdmClientCommand {
        @CommandLine.Parameters(paramLabel = "TOKEN", description = "Token name (see mdm tokens).")
        String token;
        @Option(names = "--full", description = "A full sync instead of a delta sync.")
        boolean full;

        @Override
        public Integer call() {
            return print(() -> target.client().postBytes("/admin/dep/tokens/"
                    + MdmClientCommand.enc(token) + "/sync"
                    + (full ? "?full=true" : ""), new byte[0], "application/json"));
        }
    }

    @Command(name = "profile", mixinStandardHelpOptions = true,
            subcommands = {MdmLifecycleCommands.ProfileEdit.class, MdmTokenCommands.ProfileList.class,
                    MdmTokenCommands.ProfileAssign.class, MdmTokenCommands.ProfileDelete.class},
            description = {"Create an enrollment profile for a DEP token from a JSON file (settings: mdm profile edit --help),",
                    "validated with the seeds' rules, defined in ABM; --default makes it the token's default.",
                    "mdm profile edit TOKEN UUID changes one (see mdm profile edit --help); list, assign and",
                    "delete do what they say."})
    static final class Profile implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        // not a required mixin: `mdm profile edit --mdm URL ...` gives it to the subcommand
        @Option(names = "--mdm", paramLabel = "URL", description = "Base URL of the running MDM.")
        URI mdmUrl;
        Target target = new Target();
        @CommandLine.Parameters(index = "0", paramLabel = "TOKEN", arity = "0..1",
                description = "Token name (see mdm tokens).")
        String token;
        @CommandLine.Parameters(index = "1", paramLabel = "FILE", arity = "0..1", description = "The profile JSON.")
        java.nio.file.Path file;
        @Option(names = "--default", description = "Make it the token's default profile.")
        boolean makeDefault;

        @Override
        public Integer call() {
            if (mdmUrl == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--mdm=URL'");
            }
            target.url = mdmUrl;
            if (token == null || file == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameters: TOKEN FILE"
                        + " (expected: mdm profile --mdm URL TOKEN FILE, or mdm profile edit --mdm URL TOKEN UUID ...)");
            }
            return MdmClientCommand.print(spec, () -> {
                try {
                    return target.client().postBytes("/admin/dep/tokens/"
                            + MdmClientCommand.enc(token) + "/profiles"
                            + (makeDefault ? "?default=true" : ""), java.nio.file.Files.readAllBytes(file),
                            "application/json");
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
                }
            }, RuntimeException::getMessage);
        }
    }
}
