package io.mdmsim.mdm.dep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** After failed sync rounds the next one waits longer (1, 2, 4 ... minutes, at most an hour), never less than usual. */
class SyncBackoffTest {

    @Test
    void failuresWaitLongerEachTimeUpToAnHour() {
        Duration interval = Duration.ofSeconds(15);
        assertEquals(interval, SyncScheduler.nextSyncIn(interval, 0));
        assertEquals(Duration.ofMinutes(1), SyncScheduler.nextSyncIn(interval, 1));
        assertEquals(Duration.ofMinutes(2), SyncScheduler.nextSyncIn(interval, 2));
        assertEquals(Duration.ofMinutes(32), SyncScheduler.nextSyncIn(interval, 6));
        assertEquals(Duration.ofHours(1), SyncScheduler.nextSyncIn(interval, 7));
        assertEquals(Duration.ofHours(1), SyncScheduler.nextSyncIn(interval, 1000));
    }

    @Test
    void neverSoonerThanTheSyncInterval() {
        assertEquals(Duration.ofHours(12), SyncScheduler.nextSyncIn(Duration.ofHours(12), 3));
    }
}
