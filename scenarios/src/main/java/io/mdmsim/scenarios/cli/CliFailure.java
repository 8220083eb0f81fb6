package io.mdmsim.scenarios.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The command line's one error rule, for every command (README "Exit codes"): bad usage or an input file that cannot
 * be read exits {@value Main#EXIT_USAGE}; a server that cannot be reached or started exits {@value Main#EXIT_RUNTIME};
 * an expectation that was not met exits {@value Main#EXIT_EXPECTATION_FAILED}. Each is one line on stderr.
 *
 * <p>A command throws a {@code CommandLine.ParameterException} for bad usage (or uses {@link Cli}'s helpers), this
 * class for the other two, and lets anything else propagate: {@link Main}'s handlers turn what reaches them into one
 * line and the exit code by the same rule ({@link #classify}).
 */
public final class CliFailure extends RuntimeException {

    private final int exitCode;

    private CliFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad usage discovered late (exit 2): what was wrong and what was expected. */
    public static CliFailure usage(String message) {
        return new CliFailure(Main.EXIT_USAGE, message, null);
    }

    /** A server that cannot be reached or started (exit 70). */
    public static CliFailure unreachable(String message, Throwable cause) {
        return new CliFailure(Main.EXIT_RUNTIME, message, cause);
    }

    /** An expectation that was not met, e.g. a refused request or a device that did not enroll (exit 1). */
    public static CliFailure expectation(String message) {
        return new CliFailure(Main.EXIT_EXPECTATION_FAILED, message, null);
    }

    public int exitCode() {
        return exitCode;
    }

    /** The exit code and the one line for anything a command threw. */
    record Outcome(int exitCode, String message) {}

    static Outcome classify(Throwable ex) {
        if (ex instanceof CliFailure f) {
            return new Outcome(f.exitCode, f.getMessage());
        }
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof CliFailure f) {
                return new Outcome(f.exitCode, f.getMessage());
            }
            if (t instanceof BindException || unreachable(t)) {
                return new Outcome(Main.EXIT_RUNTIME, describe(ex));
            }
            if (t instanceof FileSystemException fs && isInputProblem(fs)) {
                return new Outcome(Main.EXIT_USAGE, fileProblem(fs));
            }
        }
        return new Outcome(Main.EXIT_RUNTIME, describe(ex));
    }

    /** Whether {@code e} (or a cause) says a server could not be reached: refused, unknown host, timed out. */
    static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (unreachable(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean unreachable(Throwable t) {
        return t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                || t instanceof HttpTimeoutException || t instanceof UnresolvedAddressException
                || t instanceof UnknownHostException || t instanceof NoRouteToHostException;
    }

    private static boolean isInputProblem(FileSystemException e) {
        return e instanceof NoSuchFileException || e instanceof AccessDeniedException
                || e instanceof NotDirectoryException;
    }

    /** "cannot use x.p7m (no such file)". */
    static String fileProblem(FileSystemException e) {
        return "cannot use " + e.getFile() + " (" + reason(e) + ")";
    }

    /** Why a file could not be read, in words: "no such file", "permission denied", ... */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "a part of the path is not a directory";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** "--p7m: cannot read token.p7m (no such file)". */
    static String unreadable(String option, Path file, IOException e) {
        return option + ": cannot read " + file + " (" + reason(e) + ")";
    }

    static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null || msg.isBlank() ? ex.getClass().getSimpleName() : msg;
    }
}
