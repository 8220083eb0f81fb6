package io.mdmsim.core.testing;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.crypto.RsaEngine;
import io.mdmsim.core.crypto.RsaEngines;
import io.mdmsim.core.crypto.RsaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tools nobody on this project wrote, used as cross-checks (plistutil, python3, openssl, scepclient ...).
 * Where one is missing its tests are skipped with a message naming the Debian package, unless
 * {@code MDMSIM_REQUIRE_TOOLS=1} (set by .ci/run), where a missing tool fails the test instead ({@link Prerequisites}).
 */
public final class ExternalTools {

    private ExternalTools() {
    }

    /** The result of a finished process. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** The tool's path; skips (or, in CI, fails) the calling test when it is not on PATH. */
    public static Path require(String tool, String debianPackage) {
        Path found = find(tool);
        if (found == null) {
            throw Prerequisites.missing(tool + " is not installed (Debian package " + debianPackage
                    + "): apt-get install -y " + debianPackage);
        }
        return found;
    }

    /** The tool's path on PATH, or null. */
    public static Path find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The native RSA engine (OpenSSL 3's libcrypto, Debian package libssl3, through the foreign-function API of Java
     * 22+), or skip (in CI: fail) the calling test with why it did not load.
     */
    public static RsaEngine nativeRsa() {
        try {
            return RsaEngines.nativeEngine();
        } catch (RsaException e) {
            throw Prerequisites.missing("the native RSA engine is not available (libcrypto.so.3, Debian package libssl3:"
                    + " apt-get install -y libssl3): " + e.getMessage());
        }
    }

    /** python3 (Debian package python3), or skip. */
    public static Path python3() {
        return require("python3", "python3");
    }

    /** plistutil (Debian package libplist-utils), or skip. */
    public static Path plistutil() {
        return require("plistutil", "libplist-utils");
    }

    /**
     * Runs a command with {@code stdin} (may be null) and waits for it (bounded, so a stuck tool fails the test rather
     * than hanging the build). Fails with the tool's stderr if it exits non-zero.
     */
    public static Result run(byte[] stdin, Object... command) {
        Result r = runAllowingFailure(stdin, command);
        if (r.exitCode() != 0) {
            throw new AssertionError(List.of(command) + " exited with " + r.exitCode() + ": " + r.stderr());
        }
        return r;
    }

    /** Like {@link #run} but returns a non-zero exit code instead of failing. */
    public static Result runAllowingFailure(byte[] stdin, Object... command) {
        requireNonNull(command, "command");
        List<String> args = new ArrayList<>();
        for (Object c : command) {
            args.add(c.toString());
        }
        try {
            Path err = Files.createTempFile("mdmsim-tool", ".err");
            try {
                Process p = new ProcessBuilder(args).redirectError(err.toFile()).start();
                try (var in = p.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin);
                    }
                }
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(args + " did not finish within 60 s");
                }
                return new Result(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + args, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + args, e);
        }
    }
}
