package io.mdmsim.scenarios.run;

import io.mdmsim.core.crypto.RsaEngines;
import io.mdmsim.scenarios.model.ClockSpec;
import io.mdmsim.scenarios.model.Scenario;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference MDM as a separate {@code mdmsim mdm} process, started the way a user starts it (same Java, same
 * classpath, its command line), for scenarios that treat the MDM as a system under test. Its URL is read from the line
 * it prints; it is stopped when the run ends.
 */
final class MdmProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("MDM endpoint listening on (\\S+)");
    private static final long START_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final URI baseUri;
    private final List<String> output;

    private MdmProcess(Process process, URI baseUri, List<String> output) {
        this.process = process;
        this.baseUri = baseUri;
        this.output = output;
    }

    /** Starts {@code mdmsim mdm} on a free loopback port with the scenario's seed and clock and this PKI directory. */
    static MdmProcess start(Scenario scenario, Path pkiDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(RsaEngines.childJvmArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.mdmsim.scenarios.cli.Main");
        cmd.addAll(List.of("mdm", "--port", "0", "--seed", Long.toString(scenario.seed()), "--pki-dir",
                pkiDir.toString(), "--apns-url", "off", "--clock",
                scenario.clock() instanceof ClockSpec.Scaled s ? s.text() : "wall"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start 'mdmsim mdm' as its own process: " + e.getMessage(), e);
        }
        List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<URI> url = new CompletableFuture<>();
        Thread.ofVirtual().name("mdm-process-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (output.size() < 200) {
                        output.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(URI.create(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            url.completeExceptionally(new IllegalStateException("'mdmsim mdm' ended before it was listening: "
                    + String.join(" | ", output)));
        });
        try {
            return new MdmProcess(p, url.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS), output);
        } catch (ExecutionException e) {
            p.destroyForcibly();
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("'mdmsim mdm' did not print its URL within " + START_TIMEOUT_SECONDS
                    + " s: " + String.join(" | ", output));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting 'mdmsim mdm'", e);
        }
    }

    URI baseUri() {
        return baseUri;
    }

    /** The process id, for messages. */
    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "mdmsim mdm (pid " + process.pid() + ") at " + baseUri + (output.isEmpty() ? "" : "");
    }
}
