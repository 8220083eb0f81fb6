package io.mdmsim.scenarios.cli;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "abm",
        mixinStandardHelpOptions = true,
        description = {
                "Run the fake Apple Business Manager (DEP API, cloud configuration, fake APNs) on 127.0.0.1.",
                "It serves the Device Assignment (DEP) API an MDM server syncs from (OAuth /session, /account,"
                        + " /server/devices, /devices/sync, /devices, /devices/disown, /profile, /profile/devices,"
                        + " /device/activationlock), the cloud configuration activating devices fetch (/cloudconfig),"
                        + " and a JSON admin API (/admin/...) for organizations, devices, MDM servers, tokens,"
                        + " assignments, settings and faults.",
                "",
                "With --mdm-cert it stands up a provisioned ABM for a real MDM under test: an MDM server with that",
                "certificate, every device assigned to it, its server token written to --token-out, e.g.",
                "  mdmsim abm --devices 5000 --mdm-cert mdm.pem --token-out token.p7m",
                "then point the MDM's DEP base URL at the printed URL and upload the token."
        })
final class AbmCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    PkiOption pki;

    @Mixin
    ClockOption clockOption;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "100",
            description = "Devices in the organization's inventory, generated from the seed (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--devices-per-minute", paramLabel = "R", defaultValue = "3000",
            description = "Apple's pace: how fast newly assigned devices become visible to fetch and sync, per MDM server;"
                    + " a number, or 'unlimited' (default ${DEFAULT-VALUE}).")
    String devicesPerMinute;

    @Option(names = "--mdm-cert", paramLabel = "PEM",
            description = "Certificate (PEM) of the MDM under test: creates an MDM server with it, assigns every device"
                    + " to it and writes its server token to --token-out. Restarted on the same --data-dir, the server"
                    + " is kept as it is: devices assigned elsewhere since stay there.")
    Path mdmCert;

    @Option(names = "--mdm-name", paramLabel = "NAME", defaultValue = "MDM Server",
            description = "Name of the MDM server --mdm-cert creates (default '${DEFAULT-VALUE}').")
    String mdmName;

    @Option(names = "--token-out", paramLabel = "FILE",
            description = "Where to write the server token (S/MIME .p7m, as ABM's download); default token.p7m.")
    Path tokenOut;

    @Option(names = "--new-token",
            description = "With --data-dir holding the MDM server already: download a new token (the old one stops"
                    + " working) instead of writing the current one again.")
    boolean newToken;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep everything (organizations, devices, servers, tokens, assignments, profiles, change logs,"
                    + " cursors) in DIR/abm.db (SQLite) across restarts; default: in memory only.")
    Path dataDir;

    @Option(names = "--error-style", paramLabel = "STYLE", defaultValue = "bare",
            description = "How DEP errors are written: bare (INVALID_CURSOR, as Apple), quoted (\"INVALID_CURSOR\", as"
                    + " Apple's depsim) or json ({\"code\":\"INVALID_CURSOR\"}) (default ${DEFAULT-VALUE}).")
    String errorStyle;

    @Option(names = "--apns-port", paramLabel = "PORT", defaultValue = "0",
            description = "TCP port of the fake APNs (HTTPS, HTTP/2) on 127.0.0.1; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int apnsPort;

    @Option(names = "--tls",
            description = "Serve HTTPS with the simulator PKI's TLS certificate (trust the root CA in the PKI directory).")
    boolean tls;

    @Override
    public Integer call() throws Exception {
        FakeAbmServer abm = start(spec.commandLine().getOut());
        Servers.runUntilStopped(abm, spec.commandLine().getOut());
        return Main.EXIT_OK;
    }

    /** Starts (and with --mdm-cert provisions) the fake ABM and prints where it is; the caller stops it. */
    FakeAbmServer start(PrintWriter out) throws IOException, InterruptedException {
        CommandLine cl = spec.commandLine();
        server.validate(cl);
        if (apnsPort < 0 || apnsPort > 65_535) {
            throw new CommandLine.ParameterException(cl, "--apns-port: " + apnsPort + " (expected: 0..65535)");
        }
        if (devices < 0 || devices > 1_000_000) {
            throw new CommandLine.ParameterException(cl, "--devices: " + devices + " (expected: 0..1000000)");
        }
        int rate = rate(cl);
        FakeAbmConfig.ErrorBodyStyle style = switch (errorStyle) {
            case "bare" -> FakeAbmConfig.ErrorBodyStyle.BARE;
            case "quoted" -> FakeAbmConfig.ErrorBodyStyle.JSON_STRING;
            case "json" -> FakeAbmConfig.ErrorBodyStyle.JSON_OBJECT;
            default -> throw new CommandLine.ParameterException(cl,
                    "--error-style: " + errorStyle + " (expected: bare, quoted or json)");
        };
        String certPem = null;
        if (mdmCert != null) {
            certPem = Cli.readInputText(spec, "--mdm-cert", mdmCert);
            try {
                Pem.certificate(certPem);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(cl, "--mdm-cert: " + mdmCert
                        + " is not a PEM certificate (" + CliFailure.describe(e) + ")");
            }
        } else if (tokenOut != null || newToken) {
            throw new CommandLine.ParameterException(cl, (tokenOut != null ? "--token-out" : "--new-token")
                    + " needs --mdm-cert (the MDM server the token is for)");
        }
        SimClock clock = clockOption.clock(spec, true);
        SimPki simPki = pki.load(clock.now());
        FakeAbmConfig.Builder config = FakeAbmConfig.builder()
                .port(server.port)
                .seed(server.seed)
                .deviceCount(devices)
                .devicesPerMinute(rate)
                .errorBodyStyle(style)
                .dataDir(dataDir)
                .clock(clock)
                .appleDeviceCa(simPki.appleDeviceCa().certificate())
                .apnsPort(apnsPort)
                .apnsTls(simPki.tlsServer())
                .adminToken(server.token())
                .adminAllowedHosts(server.adminAllowedHosts);
        if (tls) {
            config.tls(simPki.tlsServer());
        }
        FakeAbmServer abm = FakeAbmServer.start(config.build());
        try {
            URI base = abm.baseUri();
            out.printf("fake ABM listening on %s%n", base);
            out.printf("  DEP API URL         %s  (the MDM's DEP base URL instead of https://mdmenrollment.apple.com)%n", base);
            out.printf("  cloud configuration %s%n", base.resolve("/cloudconfig"));
            out.printf("  admin API           %s%n", base.resolve("/admin/devices"));
            server.announce(out, base, abm.adminToken());
            out.printf("  fake APNs           %s  (POST /3/device/<token>, HTTP/2; trust the root CA of the PKI directory)%n",
                    abm.apnsUri());
            if (certPem != null) {
                provision(out, new Admin(base, simPki.root().certificate(), abm.adminToken()), certPem);
            }
            JsonNode org = new Admin(base, simPki.root().certificate(), abm.adminToken()).get("/admin/organizations")
                    .get(0);
            out.printf("  %d devices in %s, seed %d, pace %s%n", org.get("devices").asInt(), org.get("name").asText(),
                    server.seed, rate == 0 ? "unlimited" : rate + " devices a minute");
            if (dataDir != null) {
                out.printf("  state in %s%n", dataDir.resolve("abm.db"));
            }
            out.printf("  clock               %s%n", ClockOption.describe(clock));
            out.flush();
            return abm;
        } catch (IOException | InterruptedException | RuntimeException e) {
            abm.close();
            throw e;
        }
    }

    private void provision(PrintWriter out, Admin admin, String certPem) throws IOException, InterruptedException {
        String path = "/admin/mdm-servers/" + URLEncoder.encode(mdmName, StandardCharsets.UTF_8).replace("+", "%20");
        HttpResponse<byte[]> existing = admin.send("GET", path, null);
        boolean created = existing.statusCode() == 404;
        if (created) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", mdmName);
            body.put("certificatePem", certPem);
            admin.ok(admin.send("POST", "/admin/mdm-servers", Json.write(body)));
        } else {
            JsonNode s = admin.ok(existing);
            String have = s.get("certificateSha256").asText();
            if (!have.equals(sha256(Pem.certificate(certPem)))) {
                throw new IllegalStateException("MDM server '" + mdmName + "' in " + dataDir
                        + " has another certificate than " + mdmCert + " (use another --mdm-name or --data-dir)");
            }
        }
        // every device goes to the server when it is created; a restart keeps whatever was assigned since
        int assigned;
        if (created) {
            Map<String, Object> assign = new LinkedHashMap<>();
            assign.put("mdmServer", mdmName);
            assign.put("all", true);
            assigned = admin.ok(admin.send("POST", "/admin/assignments", Json.write(assign))).get("assigned").asInt();
        } else {
            assigned = admin.ok(admin.send("GET", path, null)).path("devices").asInt();
        }
        // a GET reads the current token; a POST issues a new one (the old one stops working)
        HttpResponse<byte[]> token = created || newToken ? admin.send("POST", path + "/token", null)
                : admin.send("GET", path + "/token", null);
        if (token.statusCode() == 404 && !created) {
            token = admin.send("POST", path + "/token", null);
        }
        if (token.statusCode() != 200) {
            throw new IllegalStateException("token download failed: " + token.statusCode() + " "
                    + new String(token.body(), StandardCharsets.UTF_8));
        }
        Path file = tokenOut != null ? tokenOut : Path.of("token.p7m");
        Files.write(file, token.body());
        JsonNode s = admin.ok(admin.send("GET", path, null));
        out.printf("  MDM server '%s' (%s): %d devices assigned; server token written to %s (expires %s)%n",
                mdmName, created ? "created" : "from " + dataDir, assigned, file, s.get("tokenExpiry").asText());
    }

    private int rate(CommandLine cl) {
        if (devicesPerMinute.equals("unlimited")) {
            return 0;
        }
        try {
            int r = Integer.parseInt(devicesPerMinute);
            if (r >= 1) {
                return r;
            }
        } catch (NumberFormatException e) {
            // fall through to the usage error
        }
        throw new CommandLine.ParameterException(cl,
                "--devices-per-minute: " + devicesPerMinute + " (expected: a number >= 1, or unlimited)");
    }

    private static String sha256(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fake's admin API over loopback HTTP, as any other client would use it. */
    private record Admin(URI base, HttpClient http, String token) {
        Admin(URI base, X509Certificate root, String token) {
            this(base, HttpClient.newBuilder().sslContext(trusting(root)).build(), token);
        }

        HttpResponse<byte[]> send(String method, String path, byte[] body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + token);
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        JsonNode get(String path) throws IOException, InterruptedException {
            return ok(send("GET", path, null));
        }

        JsonNode ok(HttpResponse<byte[]> r) {
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(r.request().method() + " " + r.request().uri().getPath() + ": "
                        + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
            }
            return Json.read(r.body(), JsonNode.class);
        }

        /** Trusts the simulator PKI's root, which issued the listener's TLS certificate. */
        static javax.net.ssl.SSLContext trusting(X509Certificate root) {
            try {
                java.security.KeyStore anchors = java.security.KeyStore.getInstance("PKCS12");
                anchors.load(null, null);
                anchors.setCertificateEntry("mdmsim-root", root);
                javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(anchors);
                javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                return ctx;
            } catch (java.security.GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot trust the simulator root CA: " + e.getMessage(), e);
            }
        }
    }
}
