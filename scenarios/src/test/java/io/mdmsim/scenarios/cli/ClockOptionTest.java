package io.mdmsim.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.ScaledClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.scenarios.CliRun;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** One --clock for abm, mdm and devices: the values it takes, and what it refuses. */
class ClockOptionTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:15:30Z");
    private final CommandSpec devices = Main.commandLine().getSubcommands().get("devices").getCommandSpec();

    @Test
    void everyPartTakesTheSameClockOption() {
        for (String part : new String[] {"abm", "mdm", "devices"}) {
            CliRun help = CliRun.run(part, "--help");
            assertTrue(help.out().contains("--clock=wall|manual|xN[@ORIGIN]"), part + ":\n" + help.out());
            assertTrue(help.out().replaceAll("\\s+", " ").contains("Parts that talk to each other must use the same"
                    + " --clock."), part + ":\n" + help.out());
        }
    }

    @Test
    void xNCountsFromMidnightUtcSoThatPartsStartedApartAgree() {
        ScaledClock c = assertInstanceOf(ScaledClock.class, ClockOption.parse(devices, "x60", false, NOW));
        assertEquals(60, c.factor());
        assertEquals(Instant.parse("2026-12-07T00:00:00Z"), c.origin());
        ScaledClock pinned = assertInstanceOf(ScaledClock.class,
                ClockOption.parse(devices, "x60@2026-12-06T08:00:00Z", false, NOW));
        assertEquals(Instant.parse("2026-12-06T08:00:00Z"), pinned.origin());
        assertSame(SimClock.system(), ClockOption.parse(devices, "wall", false, NOW));
        assertSame(SimClock.system(), ClockOption.parse(devices, "x1", false, NOW));
        assertInstanceOf(ManualClock.class, ClockOption.parse(devices, "manual", true, NOW));
    }

    @Test
    void badValuesSayWhatWasExpected() {
        assertEquals("--clock: manual (expected: wall or xN; mdmsim devices has no admin API to move a manual clock)",
                refused("manual", false));
        assertEquals("--clock: x0 (expected: wall, manual or xN with 0 < N <= 1000000, such as x60)",
                refused("x0", true));
        assertEquals("--clock: fast (expected: wall, manual or xN with 0 < N <= 1000000, such as x60)",
                refused("fast", true));
        assertEquals("--clock: x60@noon (expected: an ORIGIN after @ such as x60@2026-06-01T08:00:00Z)",
                refused("x60@noon", true));
        assertEquals("--clock: x60@2027-01-01T00:00:00Z (expected: an ORIGIN within the last year, not in the"
                + " future)", refused("x60@2027-01-01T00:00:00Z", true));
    }

    private String refused(String value, boolean manualAllowed) {
        return assertThrows(CommandLine.ParameterException.class,
                () -> ClockOption.parse(devices, value, manualAllowed, NOW)).getMessage();
    }
}
