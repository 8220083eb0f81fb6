package io.mdmsim.scenarios.cli;

import io.mdmsim.core.time.SimClock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The simulated clock, the same option for every part ({@code abm}, {@code mdm}, {@code devices}). Parts that talk to
 * each other must share a clock: the DEP API refuses OAuth timestamps more than 5 minutes off, challenges and
 * certificates are checked against each side's time. {@code xN} counts from an origin (default: 00:00 UTC today) so
 * that parts started at different moments with the same option read the same time.
 */
final class ClockOption {

    static final String DESCRIPTION = "Simulated clock, the same for every part: wall (default), manual (moved with"
            + " POST /admin/clock), or xN, N times faster than real time counted from ORIGIN (default 00:00 UTC today,"
            + " e.g. x60@2026-06-01T08:00:00Z), so that parts started at different moments agree. Parts that talk to"
            + " each other must use the same --clock.";

    @Option(names = "--clock", paramLabel = "wall|manual|xN[@ORIGIN]", defaultValue = "wall", description = DESCRIPTION)
    String clock;

    /** The clock the option names; {@code manualAllowed}: the part has an admin API that moves a manual clock. */
    SimClock clock(CommandSpec spec, boolean manualAllowed) {
        return parse(spec, clock, manualAllowed, Instant.now());
    }

    static SimClock parse(CommandSpec spec, String value, boolean manualAllowed, Instant wallNow) {
        String m = value.strip().toLowerCase(Locale.ROOT);
        if (m.equals("wall")) {
            return SimClock.system();
        }
        if (m.equals("manual")) {
            if (!manualAllowed) {
                throw usage(spec, "--clock: manual (expected: wall or xN; " + spec.qualifiedName() + " has no admin API"
                        + " to move a manual clock)");
            }
            return SimClock.manual(wallNow);
        }
        if (m.startsWith("x")) {
            int at = m.indexOf('@');
            Instant origin = LocalDate.ofInstant(wallNow, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (at >= 0) {
                try {
                    origin = Instant.parse(value.strip().substring(at + 1).toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    throw usage(spec, "--clock: " + value + " (expected: an ORIGIN after @ such as"
                            + " x60@2026-06-01T08:00:00Z)");
                }
                if (origin.isAfter(wallNow) || origin.isBefore(wallNow.minus(java.time.Duration.ofDays(366)))) {
                    throw usage(spec, "--clock: " + value + " (expected: an ORIGIN within the last year, not in the"
                            + " future)");
                }
            }
            try {
                double factor = Double.parseDouble(at >= 0 ? m.substring(1, at) : m.substring(1));
                if (factor > 0 && factor <= 1_000_000 && Double.isFinite(factor)) {
                    return factor == 1 ? SimClock.system() : SimClock.scaled(factor, origin);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw usage(spec, "--clock: " + value + " (expected: wall" + (manualAllowed ? ", manual" : "")
                + " or xN with 0 < N <= 1000000, such as x60)");
    }

    /** "wall", "manual", or "scaled x60 from 2026-12-07T00:00:00Z" (what another part's --clock must match). */
    static String describe(SimClock clock) {
        return clock instanceof io.mdmsim.core.time.ScaledClock s ? s.toString() : clock.describe();
    }

    private static CommandLine.ParameterException usage(CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
