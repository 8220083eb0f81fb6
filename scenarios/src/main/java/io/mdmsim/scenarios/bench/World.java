package io.mdmsim.scenarios.bench;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.crypto.RsaEngines;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The servers a benchmark drives: the fake ABM (with its fake APNs) and the MDM endpoint, either in this JVM or, split,
 * each as an {@code mdmsim abm} / {@code mdmsim mdm} process of its own started from this JVM's class path (the
 * simulator PKI shared through a temporary directory). From then on the benchmark talks to them over HTTP only.
 */
final class World implements AutoCloseable {

    /** What to start; the defaults are an MDM alone, in this JVM, on the wall clock, with SignMessage. */
    static final class Spec {
        boolean split;
        int abmDevices = -1;
        int abmDevicesPerMinute;
        boolean mdm = true;
        boolean apns;
        boolean signMessage = true;
        long seed = 1;
        Duration depSyncInterval = Duration.ofSeconds(2);
        double clockScale = 1;
        List<String> serverJvmArgs = List.of();

        /** A fake ABM with this inventory (its DEP pace unlimited unless set). */
        Spec abm(int devices) {
            this.abmDevices = devices;
            return this;
        }

        Spec split(boolean split, List<String> serverJvmArgs) {
            this.split = split;
            this.serverJvmArgs = List.copyOf(serverJvmArgs);
            return this;
        }

        Spec seed(long seed) {
            this.seed = seed;
            return this;
        }

        boolean withAbm() {
            return abmDevices >= 0;
        }
    }

    private static final Pattern URL = Pattern.compile("(https?://127\\.0\\.0\\.1:\\d+)");
    private static final Duration STARTUP = Duration.ofMinutes(3);

    final SimClock clock;
    final SimPki pki;
    private final Spec spec;
    private final Path pkiDir;
    private final List<AutoCloseable> inProcess = new ArrayList<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private URI abmUri;
    private URI apnsUri;
    private URI mdmUri;
    /** One admin token for both servers of the world, in this JVM or not. */
    private final String adminToken = io.mdmsim.core.http.AdminAccess.newToken();

    private World(Spec spec) throws IOException {
        this.spec = spec;
        if (spec.split && spec.clockScale != 1) {
            throw new IllegalArgumentException("a scaled clock needs the servers in this JVM (no --split)");
        }
        this.clock = spec.clockScale == 1 ? SimClock.system() : SimClock.scaled(spec.clockScale);
        if (spec.split) {
            pkiDir = Files.createTempDirectory("mdmsim-bench-pki");
            pki = SimPki.loadOrCreate(pkiDir, clock.now());
        } else {
            pkiDir = null;
            pki = SimPki.create(clock.now());
        }
    }

    /** Starts the servers; in this JVM their HTTP clients are claimed for the CPU sampler's parts. */
    static World start(Spec spec, CpuSampler sampler) throws IOException {
        World w = new World(spec);
        try {
            if (spec.split) {
                w.startProcesses();
            } else {
                w.startHere(sampler);
            }
            return w;
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    private void startHere(CpuSampler sampler) {
        if (spec.withAbm()) {
            FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(spec.seed)
                    .deviceCount(spec.abmDevices).devicesPerMinute(spec.abmDevicesPerMinute).clock(clock)
                    .appleDeviceCa(pki.appleDeviceCa().certificate()).apnsTls(pki.tlsServer()).adminToken(adminToken)
                    .build());
            inProcess.add(abm);
            abmUri = abm.baseUri();
            apnsUri = abm.apnsUri();
            sampler.claimNewClients(CpuSampler.ABM);
        }
        if (!spec.mdm) {
            return;
        }
        MdmConfig.Builder mdm = MdmConfig.builder().clock(clock).seed(spec.seed).scepCa(pki.scepCa().identity())
                .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depSyncInterval(spec.depSyncInterval)
                .signMessage(spec.signMessage).adminToken(adminToken);
        if (!spec.signMessage) {
            // without Mdm-Signature the MDM knows a device by its TLS client certificate: HTTPS, and ask for one
            mdm.tls(pki.tlsServer()).requestClientCertificates(true);
        }
        if (abmUri != null) {
            mdm.depBaseUrl(abmUri);
        }
        if (spec.apns && apnsUri != null) {
            mdm.apnsUrl(apnsUri).apnsTrustAnchors(List.of(pki.root().certificate()));
        }
        MdmServer server = MdmServer.start(mdm.build());
        inProcess.add(server);
        mdmUri = server.baseUri();
        sampler.claimNewClients(CpuSampler.MDM);
    }

    private void startProcesses() throws IOException {
        if (spec.withAbm()) {
            List<String> out = launch(CpuSampler.ABM, List.of("abm", "--port", "0", "--seed", String.valueOf(spec.seed),
                    "--devices", String.valueOf(spec.abmDevices), "--devices-per-minute",
                    spec.abmDevicesPerMinute == 0 ? "unlimited" : String.valueOf(spec.abmDevicesPerMinute),
                    "--pki-dir", pkiDir.toString(), "--admin-token", adminToken), "Running;");
            abmUri = url(out, "fake ABM listening on");
            apnsUri = url(out, "fake APNs");
        }
        if (!spec.mdm) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("mdm", "--port", "0", "--seed", String.valueOf(spec.seed),
                "--pki-dir", pkiDir.toString(), "--admin-token", adminToken,
                "--dep-sync-interval", spec.depSyncInterval.toSeconds() + "s",
                "--apns-url", spec.apns && apnsUri != null ? apnsUri.toString() : "off"));
        if (abmUri != null) {
            args.addAll(List.of("--dep-url", abmUri.toString()));
        }
        if (!spec.signMessage) {
            args.addAll(List.of("--https", "--client-certs", "--no-sign-message"));
        }
        mdmUri = url(launch(CpuSampler.MDM, args, "Running;"), "MDM endpoint listening on");
    }

    /** Starts {@code mdmsim ARGS} with this JVM's java and class path; returns its output up to the ready line. */
    private List<String> launch(String part, List<String> mdmsimArgs, String ready) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString()));
        cmd.addAll(RsaEngines.childJvmArguments());
        cmd.addAll(spec.serverJvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.mdmsim.scenarios.cli.Main"));
        cmd.addAll(mdmsimArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.put(part, p);
        // a benchmark stopped with Ctrl-C takes its server processes with it
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "bench-stop-" + part));
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
            List<String> seen = new ArrayList<>();
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    seen.add(line);
                    if (line.startsWith(ready)) {
                        return seen;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("'mdmsim " + String.join(" ", mdmsimArgs) + "' ended before it was ready:\n  "
                    + String.join("\n  ", seen));
        }, r -> Thread.ofVirtual().name("bench-" + part + "-output").start(r));
        try {
            List<String> out = lines.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
            // keep draining its output so that it never blocks on a full pipe
            Thread.ofVirtual().name("bench-" + part + "-drain").start(() -> {
                try {
                    while (reader.readLine() != null) {
                        // server log lines (warnings) are not part of the figures
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            return out;
        } catch (TimeoutException e) {
            throw new IllegalStateException(part + " process did not start within " + STARTUP.toMinutes() + " minutes");
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(part + " process failed: " + c.getMessage(), c);
        }
    }

    private static URI url(List<String> lines, String label) {
        for (String line : lines) {
            if (line.trim().startsWith(label)) {
                Matcher m = URL.matcher(line);
                if (m.find()) {
                    return URI.create(m.group(1));
                }
            }
        }
        throw new IllegalStateException("no '" + label + "' URL in the server's output:\n  " + String.join("\n  ", lines));
    }

    /** The admin token of both servers (Authorization: Bearer). */
    String adminToken() {
        return adminToken;
    }

    URI abm() {
        return abmUri;
    }

    URI apns() {
        return apnsUri;
    }

    URI mdm() {
        return mdmUri;
    }

    boolean split() {
        return spec.split;
    }

    /** The server processes when split, by part (empty in one JVM). */
    Map<String, Process> processes() {
        return processes;
    }

    /** CPU nanoseconds so far of each server process (empty in one JVM). */
    Map<String, Long> processCpu() {
        Map<String, Long> m = new LinkedHashMap<>();
        processes.forEach((part, p) -> m.put(part, Proc.cpuNanos(p.toHandle())));
        return m;
    }

    @Override
    public void close() {
        for (int i = inProcess.size() - 1; i >= 0; i--) {
            try {
                inProcess.get(i).close();
            } catch (Exception e) {
                System.err.println("mdmsim bench: closing a server: " + e.getMessage());
            }
        }
        for (Process p : processes.values()) {
            p.destroy(); // SIGTERM: the server's shutdown hook closes it
        }
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (pkiDir != null) {
            try (Stream<Path> files = Files.walk(pkiDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary directory: the OS cleans it
            }
        }
    }
}
