package io.mdmsim.scenarios.run;

import java.util.concurrent.locks.LockSupport;

/** The runner's real-time pause between polls of an admin API or the clock's sleepers: not protocol time. */
final class Pause {

    private Pause() {
    }

    /** About 20 ms of real time. */
    static void briefly() {
        LockSupport.parkNanos(20_000_000L);
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("interrupted");
        }
    }
}
