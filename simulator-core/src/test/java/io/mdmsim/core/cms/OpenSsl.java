package io.mdmsim.core.cms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.mdmsim.core.testing.Prerequisites;

/** Runs the openssl command line in a directory; where it is not installed, tests go through the one gate. */
public final class OpenSsl {
    private static final Boolean AVAILABLE = probe("openssl", "version");

    private OpenSsl() {}

    public static void assumeInstalled() {
        if (!AVAILABLE) {
            throw Prerequisites.missing("openssl is not installed (Debian package openssl): apt-get install -y openssl");
        }
    }

    /** Whether a command can be started at all (exit status ignored). */
    public static boolean probe(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public record Result(List<String> command, int exitCode, byte[] stdout, String stderr) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** Asserts exit status 0, showing the command and its stderr otherwise. */
        public Result assertOk() {
            assertEquals(0, exitCode, () -> String.join(" ", command) + " failed with " + exitCode + ":\n" + stderr + stdoutText());
            return this;
        }
    }

    public static Result openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        return run(dir, command);
    }

    /** Runs command in dir, stdout and stderr captured through files (no pipe deadlocks). */
    public static Result run(Path dir, List<String> command) {
        try {
            Path out = Files.createTempFile(dir, "stdout", ".txt");
            Path err = Files.createTempFile(dir, "stderr", ".txt");
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            return new Result(List.copyOf(command), p.exitValue(), Files.readAllBytes(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
