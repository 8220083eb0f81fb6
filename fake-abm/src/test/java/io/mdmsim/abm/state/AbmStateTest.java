package io.mdmsim.abm.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.abm.TestCerts;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.inventory.InventoryGenerator;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ProfileStatus;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AbmStateTest {

    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final X509Certificate CERT = TestCerts.selfSigned("mdm");

    private final ManualClock clock = SimClock.manual(T0);
    private final List<InventoryDevice> inventory = InventoryGenerator.generate(9, 10, InventoryGenerator.DEFAULT_AS_OF);

    private AbmState state(int devicesPerMinute) {
        AbmState s = new AbmState(inventory, clock::now, devicesPerMinute);
        s.addServer("mdm-a", "uuid-a", cert());
        s.addServer("mdm-b", "uuid-b", cert());
        return s;
    }

    @Test
    void assignedDevicesBecomeVisibleAtTheConfiguredPace() {
        AbmState s = state(60); // one per second
        s.assign("mdm-a", serials(0, 5), "admin@example.com");
        assertEquals(List.of(serial(0)), fetchAll(s, "mdm-a"));
        clock.advance(Duration.ofMillis(2500));
        assertEquals(serials(0, 3), fetchAll(s, "mdm-a"));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(serials(0, 5), fetchAll(s, "mdm-a"));
    }

    @Test
    void laterAssignmentsQueueBehindEarlierOnes() {
        AbmState s = state(60);
        s.assign("mdm-a", serials(0, 3), "admin");
        s.assign("mdm-a", serials(3, 5), "admin"); // positions 3 and 4 of the server's queue
        clock.advance(Duration.ofMillis(3500));
        assertEquals(serials(0, 4), fetchAll(s, "mdm-a"));
    }

    @Test
    void unlimitedPaceShowsEverythingAtOnce() {
        AbmState s = state(0);
        s.assign("mdm-a", serials(0, 10), "admin");
        assertEquals(serials(0, 10), fetchAll(s, "mdm-a"));
    }

    @Test
    void fetchPagesThroughASnapshotAndLeavesNewDevicesToSync() {
        AbmState s = state(0);
        s.assign("mdm-a", serials(0, 5), "admin");
        EventKey high = s.snapshot();
        AbmState.FetchPage p1 = s.fetch("mdm-a", high, EventKey.MIN, 2);
        assertEquals(serials(0, 2), serialsOf(p1.devices()));
        assertTrue(p1.moreToFollow());
        s.assign("mdm-a", serials(5, 6), "admin"); // after the snapshot
        AbmState.FetchPage p2 = s.fetch("mdm-a", high, p1.last(), 10);
        assertEquals(serials(2, 5), serialsOf(p2.devices()));
        assertFalse(p2.moreToFollow());
        assertTrue(s.fetchExhausted("mdm-a", high, p2.last()));

        AbmState.SyncPage sync = s.sync("mdm-a", high, 100);
        assertEquals(List.of(serial(5)), serialsOf(sync.devices()));
        assertEquals(OpType.ADDED, sync.devices().getFirst().opType());
        assertFalse(sync.moreToFollow());
        assertTrue(s.sync("mdm-a", sync.position(), 100).devices().isEmpty());
    }

    @Test
    void syncReportsProfileChangesAndMovesInOrder() {
        AbmState s = state(0);
        s.assign("mdm-a", serials(0, 3), "admin");
        EventKey start = s.snapshot();
        s.defineProfile("mdm-a", profile("P1"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Map.of(serial(0), DeviceResult.SUCCESS, "NOPE", DeviceResult.NOT_ACCESSIBLE),
                s.assignProfile("mdm-a", "P1", List.of(serial(0), "NOPE")));
        clock.advance(Duration.ofSeconds(1));
        s.assign("mdm-b", List.of(serial(1)), "admin");

        AbmState.SyncPage a = s.sync("mdm-a", start, 1);
        assertEquals(List.of(serial(0)), serialsOf(a.devices()));
        assertEquals(OpType.MODIFIED, a.devices().getFirst().opType());
        assertEquals(ProfileStatus.ASSIGNED, a.devices().getFirst().profileStatus());
        assertEquals("P1", a.devices().getFirst().profileUuid());
        assertEquals(T0.plusSeconds(1), a.devices().getFirst().profileAssignTime());
        assertTrue(a.moreToFollow());
        AbmState.SyncPage a2 = s.sync("mdm-a", a.position(), 10);
        assertEquals(List.of(serial(1)), serialsOf(a2.devices()));
        assertEquals(OpType.DELETED, a2.devices().getFirst().opType());
        assertEquals(T0.plusSeconds(2), a2.devices().getFirst().opDate());
        assertNull(a2.devices().getFirst().profileStatus());
        assertEquals(List.of(serial(0), serial(2)), fetchAll(s, "mdm-a"));
        assertEquals(List.of(serial(1)), fetchAll(s, "mdm-b"));
    }

    @Test
    void profileCannotBeAssignedToADeviceNotYetVisible() {
        AbmState s = state(60);
        s.assign("mdm-a", serials(0, 2), "admin");
        s.defineProfile("mdm-a", profile("P1"));
        assertEquals(Map.of(serial(0), DeviceResult.SUCCESS, serial(1), DeviceResult.NOT_ACCESSIBLE),
                s.assignProfile("mdm-a", "P1", serials(0, 2)));
    }

    @Test
    void pushMarksTheProfilePushedAndLogsAModification() {
        AbmState s = state(0);
        s.assign("mdm-a", serials(0, 1), "admin");
        s.defineProfile("mdm-a", profile("P1"));
        s.assignProfile("mdm-a", "P1", serials(0, 1));
        EventKey before = s.snapshot();
        clock.advance(Duration.ofMinutes(1));
        AbmState.CloudConfigGrant grant = s.pushProfile(serial(0));
        assertEquals("P1", grant.profile().profileUuid());
        assertEquals(ProfileStatus.PUSHED, grant.device().profileStatus());
        assertEquals(T0.plusSeconds(60), grant.device().profilePushTime());
        AbmState.DeviceView change = s.sync("mdm-a", before, 10).devices().getFirst();
        assertEquals(OpType.MODIFIED, change.opType());
        assertEquals(ProfileStatus.PUSHED, change.profileStatus());

        assertNull(s.pushProfile(serial(1)).profile(), "unassigned device has no profile");
        assertNull(s.pushProfile("UNKNOWN"), "unknown serial");
    }

    @Test
    void assignmentIsAllOrNothing() {
        AbmState s = state(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.assign("mdm-a", List.of(serial(0), "XXXX"), "admin"));
        assertEquals("unknown serial XXXX", e.getMessage());
        assertNull(s.device(serial(0)).mdmServer());
        assertThrows(AbmState.UnknownServer.class, () -> s.assign("nope", serials(0, 1), "admin"));
    }

    @Test
    void clockGoingBackwardsDoesNotReorderTheLog() {
        AbmState s = state(0);
        s.assign("mdm-a", serials(0, 1), "admin");
        EventKey cursor = s.snapshot();
        clock.set(T0.minusSeconds(3600));
        s.assign("mdm-a", serials(1, 2), "admin");
        assertEquals(List.of(serial(1)), serialsOf(s.sync("mdm-a", cursor, 10).devices()));
    }

    private List<String> fetchAll(AbmState s, String server) {
        EventKey high = s.snapshot();
        List<String> out = new ArrayList<>();
        EventKey last = EventKey.MIN;
        AbmState.FetchPage page;
        do {
            page = s.fetch(server, high, last, 2);
            out.addAll(serialsOf(page.devices()));
            last = page.last();
        } while (page.moreToFollow());
        return out;
    }

    private String serial(int i) {
        return inventory.get(i).serialNumber();
    }

    private List<String> serials(int from, int to) {
        return inventory.subList(from, to).stream().map(InventoryDevice::serialNumber).toList();
    }

    private static List<String> serialsOf(List<AbmState.DeviceView> views) {
        return views.stream().map(AbmState.DeviceView::serialNumber).toList();
    }

    private static AbmProfile profile(String uuid) {
        return new AbmProfile(uuid, "Profile " + uuid, "https://mdm.example.com/enroll", null, true, true, true, false,
                true, false, false, false, false, "IT", "magic", null, null, null, null, null, null, List.of("Siri"));
    }

    private static X509Certificate cert() {
        return CERT;
    }
}
