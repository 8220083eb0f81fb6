package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mdmsim.device.model.DeviceBehaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BehaviourTest {

    @Test
    void badKnobsAreRefusedWithTheReason() {
        assertEquals("scepDelayShare: 1.2 (expected: a share 0..1)",
                refusal(Behaviour.builder().scepDelay(1.2, Duration.ofMinutes(16))));
        assertEquals("scepDelay: PT-1M (expected: >= 0)",
                refusal(Behaviour.builder().scepDelay(0.5, Duration.ofMinutes(-1))));
        assertEquals("dropRate + resetRate: 1.0 (expected: < 1, or no exchange would ever get through)",
                refusal(Behaviour.builder().dropRate(0.5).resetRate(0.5)));
        assertEquals("notNow + error: 1.5 (expected: <= 1)", assertThrows(IllegalArgumentException.class,
                () -> Behaviour.builder().commandFault("InstallApplication", 0.7, 0.8)).getMessage());
        assertEquals("dwellScale: -1.0 (expected: 0..100)", refusal(Behaviour.builder().dwellScale(-1)));
        assertEquals("userDomain: nodomain (expected: a domain such as example.com)",
                refusal(Behaviour.builder().userDomain("nodomain")));
        assertEquals("maxPasses: 0 (expected: 1..100)", refusal(Behaviour.builder().maxPasses(0)));
        assertEquals("networkRetries: -1 (expected: 0..100)", refusal(Behaviour.builder().networkRetries(-1)));
        assertEquals("commandFaults: blank RequestType (expected: e.g. InstallApplication or *)",
                refusal(Behaviour.builder().commandFault(" ", 0.1, 0)));
    }

    @Test
    void badPolicyKnobsAreRefusedWithTheReason() {
        assertEquals("configuratorShare: 1.5 (expected: a share 0..1)",
                refusal(Behaviour.builder().configuratorShare(1.5)));
        assertEquals("removeManagementShare: -0.1 (expected: a share 0..1)",
                refusal(Behaviour.builder().removeManagement(-0.1, Duration.ofDays(1))));
        assertEquals("removeManagementAfter: PT-24H (expected: >= 0)",
                refusal(Behaviour.builder().removeManagement(0.5, Duration.ofDays(-1))));
        assertEquals("removeManagementAfter", assertThrows(NullPointerException.class,
                () -> Behaviour.builder().removeManagement(0.5, null).build()).getMessage());
        assertEquals("secondFactorElsewhereShare: NaN (expected: a share 0..1)",
                refusal(Behaviour.builder().secondFactorElsewhereShare(Double.NaN)));
    }

    @Test
    void policyKnobsPickDevicesAtAboutTheirShareAndRoundTripThroughTraceJson() {
        Behaviour b = Behaviour.builder().configuratorShare(0.2).removeManagement(0.5, Duration.ofDays(12))
                .reenrollAfterRetire(true).secondFactorElsewhereShare(0.3).build();
        List<DeviceSpec> devices = Population.of(4000).devices(11);
        int configurator = 0;
        int removing = 0;
        int elsewhere = 0;
        for (DeviceSpec d : devices) {
            DeviceBehaviour db = DeviceBehaviour.resolve(b, 11, d);
            configurator += db.addedByConfigurator() ? 1 : 0;
            removing += db.removesManagement() ? 1 : 0;
            elsewhere += db.secondFactorElsewhere() ? 1 : 0;
        }
        assertEquals(800, configurator, 80);
        assertEquals(2000, removing, 100);
        assertEquals(1200, elsewhere, 100);
        assertEquals(b, b.toBuilder().build());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(b, BehaviourJson.fromJson(json.valueToTree(BehaviourJson.toMap(b))));
        // a trace from before these knobs replays with their defaults
        assertEquals(Behaviour.DEFAULT, BehaviourJson.fromJson(json.createObjectNode().put("dwellScale", 0.0)));
        assertEquals(1.0, Behaviour.DEFAULT.secondFactorElsewhereShare(), "the perfect world: second factor elsewhere");
    }

    @Test
    void faultsFallBackToTheWildcard() {
        Behaviour b = Behaviour.builder().commandFault("InstallApplication", 0.5, 0).commandFault("*", 0, 0.1).build();
        assertEquals(new Behaviour.CommandFault(0.5, 0), b.faultFor("InstallApplication"));
        assertEquals(new Behaviour.CommandFault(0, 0.1), b.faultFor("DeviceLock"));
        assertEquals(new Behaviour.CommandFault(0, 0), Behaviour.DEFAULT.faultFor("DeviceLock"));
        assertEquals(b, b.toBuilder().build());
    }

    @Test
    void knobsPickDevicesBySeedAndSerialAloneAtAboutTheirShare() {
        Behaviour b = Behaviour.builder().scepDelay(0.25, Duration.ofMinutes(16)).activatedShare(0.1).build();
        List<DeviceSpec> devices = Population.of(4000).devices(11);
        int delayed = 0;
        int activated = 0;
        List<Boolean> first = new ArrayList<>();
        for (DeviceSpec d : devices) {
            DeviceBehaviour db = DeviceBehaviour.resolve(b, 11, d);
            delayed += db.delaysScep() ? 1 : 0;
            activated += db.alreadyActivated() ? 1 : 0;
            first.add(db.delaysScep());
        }
        assertEquals(1000, delayed, 80);
        assertEquals(400, activated, 60);
        List<Boolean> again = devices.stream().map(d -> DeviceBehaviour.resolve(b, 11, d).delaysScep()).toList();
        assertEquals(first, again);
    }

    @Test
    void dwellIsZeroAtScaleZeroAndAroundTheMedianAtScaleOne() {
        DeviceSpec d = Population.of(1).devices(1).getFirst();
        assertEquals(Duration.ZERO, DeviceBehaviour.resolve(Behaviour.DEFAULT, 1, d).dwell(Duration.ofSeconds(10)));
        DeviceBehaviour realistic = DeviceBehaviour.resolve(Behaviour.builder().dwellScale(1).build(), 1, d);
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < 2001; i++) {
            ms.add(realistic.dwell(Duration.ofSeconds(10)).toMillis());
        }
        ms.sort(null);
        assertEquals(10_000, ms.get(1000), 800, "median near 10 s");
        assertEquals(true, ms.getFirst() >= 2_000 && ms.getLast() <= 50_000, ms.getFirst() + ".." + ms.getLast());
    }

    private static String refusal(Behaviour.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }
}
