package io.mdmsim.scenarios.cli;

import io.mdmsim.core.crypto.RsaEngines;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
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
                "Run the reference MDM server (enrollment, SCEP, check-in, commands, pushes) on 127.0.0.1.",
                "It serves MachineInfo enrollment (/mdm/enroll), SCEP (/scep), check-in (/mdm/checkin), commands"
                        + " (/mdm/connect), APNs pushes, and a JSON admin API (/admin/...) for DEP tokens, devices,"
                        + " commands, declarations, events and the clock. It trusts the fake Apple device CA of the"
                        + " simulator PKI."
        })
final class MdmCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    PkiOption pki;

    @Option(names = "--dep-url", paramLabel = "URL",
            description = "The DEP API that uploaded server tokens sync from unless the upload names one, e.g. a fake"
                    + " ABM at http://127.0.0.1:8400, or Apple's https://mdmenrollment.apple.com. There is no default:"
                    + " nothing is sent off this machine to an address you did not name.")
    URI depBaseUrl;

    @Option(names = "--https", description = "Also listen on HTTPS with the simulator PKI's TLS certificate; profiles"
            + " then carry https URLs and a trust payload with the simulator root.")
    boolean https;

    @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of the HTTPS listener (0 picks a free one; default ${DEFAULT-VALUE}).")
    int httpsPort;

    @Option(names = "--client-certs", description = "Ask TLS clients for a certificate: a device identity presented"
            + " there identifies requests without Mdm-Signature (needs --https).")
    boolean clientCerts;

    @Option(names = "--no-sign-message", description = "Profiles say SignMessage false: devices sign no check-in"
            + " or report, and are known by their TLS client certificate (needs --https --client-certs).")
    boolean noSignMessage;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "Base URL written into profiles (default: the HTTPS listener with --https, else the HTTP one).")
    URI publicBaseUrl;

    @Option(names = "--apns-url", paramLabel = "URL|off", defaultValue = "off",
            description = "APNs provider API to push through, e.g. the fake ABM's APNs at https://127.0.0.1:8443"
                    + " (trusted through the simulator root). Default ${DEFAULT-VALUE}: no pushes, nothing sent off"
                    + " this machine. Apple's https://api.push.apple.com also needs --apns-cert.")
    String apnsUrl;

    @Option(names = "--apns-cert", paramLabel = "PEM",
            description = "The MDM push certificate and its private key (one PEM file) presented to APNs; Apple's APNs"
                    + " accepts nothing else.")
    Path apnsClientIdentity;

    @Option(names = "--event-buffer", paramLabel = "N", defaultValue = "10000",
            description = "How many recent events GET /admin/events and the webhook keep (default ${DEFAULT-VALUE});"
                    + " a reader further behind gets a \"gap\" event that says how many it missed.")
    int eventBufferSize;

    @Option(names = "--webhook", paramLabel = "URL",
            description = "POST every event (check-ins, reports, enrollments, SCEP, pushes) there as JSON.")
    URI webhookUrl;

    @Option(names = "--sign-profiles", description = "CMS-sign the enrollment profile with the TLS certificate.")
    boolean signProfiles;

    @Option(names = "--min-os", paramLabel = "VERSION", description = "Refuse enrollment below this OS version:"
            + " 403 com.apple.softwareupdate.required for devices that can update, e.g. 18.2.")
    String minimumOsVersion;

    @Option(names = "--min-build", paramLabel = "BUILD", description = "BuildVersion named with --min-os, e.g. 22C152.")
    String minimumBuildVersion;

    @Option(names = "--error-format", paramLabel = "json|plist", defaultValue = "json",
            description = "Body format of 403 refusals (ADM mdm/errors; default ${DEFAULT-VALUE}).")
    String errorFormat;

    @Option(names = "--scep-ra", description = "GetCACert answers RA and CA (application/x-x509-ca-ra-cert); the RA"
            + " decrypts requests and signs replies.")
    boolean scepRa;

    @Option(names = "--scep-pending", paramLabel = "N", defaultValue = "0",
            description = "Fault: answer a good SCEP request PENDING N times before issuing (to CertPoll; default"
                    + " ${DEFAULT-VALUE}).")
    int scepPendingRounds;

    @Option(names = "--user-auth", paramLabel = "decline|digest", defaultValue = "decline",
            description = "Answer to UserAuthenticate: decline (410) or the digest exchange (default ${DEFAULT-VALUE}).")
    String userAuth;

    @Mixin
    ClockOption clockOption;

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

    @Option(names = "--events-include-secrets",
            description = "Keep PushMagic, push tokens, UnlockTokens and Bootstrap Tokens in the events' raw payloads"
                    + " (GET /admin/events, the webhook). Default: they are left out.")
    boolean eventsIncludeSecrets;

    @Option(names = "--allow-dep-host", paramLabel = "HOST",
            description = "A host an uploaded token's DEP URL may name besides loopback ones and --dep-url's host"
                    + " (repeatable).")
    List<String> allowDepHosts = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        server.validate(cl);
        if (clientCerts && !https) {
            throw new CommandLine.ParameterException(cl, "--client-certs needs --https (client certificates travel"
                    + " over TLS)");
        }
        if (noSignMessage && !clientCerts) {
            throw new CommandLine.ParameterException(cl, "--no-sign-message needs --https --client-certs (without"
                    + " Mdm-Signature a device is known only by its TLS client certificate)");
        }
        Cli.requireWith(spec, "--min-build", minimumOsVersion != null, "--min-os");
        Cli.requireWith(spec, "--https-port", https, "--https");
        SimClock clock = clockOption.clock(spec, true);
        SimPki simPki = pki.load(clock.now());
        URI apns = apnsUrl.equalsIgnoreCase("off") ? null : new Cli.HttpUrlConverter().convert(cl, "--apns-url", apnsUrl);
        Cli.requireWith(spec, "--apns-cert", apns != null, "--apns-url");
        MdmConfig.Builder b = MdmConfig.builder()
                .port(server.port)
                .seed(server.seed)
                .clock(clock)
                .organization(organization)
                .depSyncInterval(depSyncInterval)
                .scepCa(simPki.scepCa().identity())
                .trustedDeviceCas(List.of(simPki.appleDeviceCa().certificate()))
                .depBaseUrl(depBaseUrl)
                .publicBaseUrl(publicBaseUrl)
                .apnsUrl(apns)
                .apnsTrustAnchors(apns == null || MdmConfig.isApple(apns) ? List.of()
                        : List.of(simPki.root().certificate()))
                .apnsClientIdentity(apnsClientIdentity == null ? null : pushIdentity())
                .webhookUrl(webhookUrl)
                .eventBufferSize(eventBufferSize)
                .minimumOsVersion(minimumOsVersion)
                .minimumBuildVersion(minimumBuildVersion)
                .errorBodyFormat(choice(cl, "--error-format", errorFormat, MdmConfig.ErrorBodyFormat.class))
                .scepRa(scepRa)
                .scepPendingRounds(scepPendingRounds)
                .userAuthentication(choice(cl, "--user-auth", userAuth, MdmConfig.UserAuthentication.class))
                .dataDir(dataDir)
                .adminToken(server.token())
                .adminAllowedHosts(server.adminAllowedHosts)
                .eventsIncludeSecrets(eventsIncludeSecrets)
                .allowedDepHosts(allowDepHosts)
                .signMessage(!noSignMessage);
        if (https) {
            b.tls(simPki.tlsServer()).httpsPort(httpsPort).requestClientCertificates(clientCerts);
        }
        if (signProfiles) {
            b.profileSigner(simPki.tlsServer());
        }
        MdmConfig config = Cli.build(spec, b::build);
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
        server.announce(out, mdm.baseUri(), mdm.adminToken());
        out.printf("  APNs        %s%n", apns == null ? "off" : apns);
        out.printf("  RSA         %s%n", RsaEngines.describe());
        out.printf("  clock       %s%n", ClockOption.describe(clock));
        out.printf("  state       %s%n", mdm.stateLocation().equals("memory") ? "in memory (--data-dir keeps it)"
                : mdm.stateLocation());
        Servers.runUntilStopped(mdm, out);
        return Main.EXIT_OK;
    }

    /** --apns-cert: a certificate and its private key in one PEM file. */
    private Identity pushIdentity() {
        String pem = Cli.readInputText(spec, "--apns-cert", apnsClientIdentity);
        try {
            List<java.security.cert.X509Certificate> certs = Pem.certificates(pem);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate");
            }
            return new Identity(certs.getFirst(), Pem.privateKey(pem), certs.subList(1, certs.size()));
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--apns-cert: " + apnsClientIdentity
                    + " (expected: one PEM file with the push certificate and its private key; "
                    + CliFailure.describe(e) + ")");
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

    /** Where a running MDM's admin API is, and its token. */
    static final class Target {
        @Option(names = "--mdm", paramLabel = "URL", required = true, description = "Base URL of the running MDM.")
        URI url;

        @Option(names = "--admin-token", paramLabel = "TOKEN",
                description = "The MDM's admin token. Default: $" + io.mdmsim.core.http.AdminAccess.ENV
                        + ", else the token file the MDM wrote (~/.mdmsim/admin-tokens/PORT).")
        String adminToken;

        /** The token to send: --admin-token, $MDMSIM_ADMIN_TOKEN or the server's token file; null if none. */
        String token() {
            return io.mdmsim.core.http.AdminAccess.find(url, adminToken).orElse(null);
        }

        io.mdmsim.scenarios.quickstart.AdminClient client() {
            return new io.mdmsim.scenarios.quickstart.AdminClient("MDM", url, token());
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
        @Option(names = "--admin-token", paramLabel = "TOKEN", description = "The MDM's admin token (see mdm devices"
                + " --help).")
        String adminToken;

        @Override
        public Integer call() {
            if (mdmUrl == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--mdm=URL'");
            }
            Target target = new Target();
            target.url = mdmUrl;
            target.adminToken = adminToken;
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
            description = {"Create an enrollment profile for a DEP token from a JSON file.",
                    "It is validated with the seeds' rules and defined in ABM; --default makes it the token's default."
                            + " Its settings are listed by mdm profile edit --help. mdm profile edit TOKEN UUID changes"
                            + " one; list, assign and delete do what they say."})
    static final class Profile implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        // not a required mixin: `mdm profile edit --mdm URL ...` gives it to the subcommand
        @Option(names = "--mdm", paramLabel = "URL", description = "Base URL of the running MDM.")
        URI mdmUrl;
        @Option(names = "--admin-token", paramLabel = "TOKEN", description = "The MDM's admin token (see mdm devices"
                + " --help).")
        String adminToken;
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
            target.adminToken = adminToken;
            if (token == null || file == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameters: TOKEN FILE"
                        + " (expected: mdm profile --mdm URL TOKEN FILE, or mdm profile edit --mdm URL TOKEN UUID ...)");
            }
            byte[] body = Cli.readInput(spec, "FILE", file);
            return MdmClientCommand.print(spec, () -> target.client().postBytes("/admin/dep/tokens/"
                    + MdmClientCommand.enc(token) + "/profiles" + (makeDefault ? "?default=true" : ""), body,
                    "application/json"), RuntimeException::getMessage);
        }
    }
}
