package io.mdmsim.scenarios;

import static org.awaitility.Awaitility.await;

import io.mdmsim.scenarios.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mdmsim ARGS} in a JVM of its own (this test's classpath), as a user runs it: its own process, its own
 * clock, signals. Output goes to files so that a test can wait for a line. Closing destroys what is still running.
 */
public final class MdmsimProcess implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;

    private MdmsimProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code mdmsim args...}; stdout and stderr go to files in {@code dir}. */
    public static MdmsimProcess start(Path dir, String name, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve(name + ".out");
            Path err = dir.resolve(name + ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new MdmsimProcess(p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    public String out() {
        return read(out);
    }

    public String err() {
        return read(err);
    }

    /** Waits until stdout has a match of {@code regex}; returns its first group (or the whole match). */
    public String awaitOut(String regex, Duration atMost) {
        Pattern p = Pattern.compile(regex);
        String[] found = new String[1];
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive() && !p.matcher(out()).find()) {
                throw new AssertionError("mdmsim exited with " + process.exitValue() + " before printing " + regex
                        + "\nout: " + out() + "\nerr: " + err());
            }
            Matcher m = p.matcher(out());
            if (m.find()) {
                found[0] = m.groupCount() > 0 ? m.group(1) : m.group();
                return true;
            }
            return false;
        });
        return found[0];
    }

    /** Sends a signal by name ("INT", "TERM") with kill(1). */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for the exit and returns its code. */
    public int waitFor(Duration atMost) {
        try {
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("mdmsim still running after " + atMost + "\nout: " + out() + "\nerr: "
                        + err());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
