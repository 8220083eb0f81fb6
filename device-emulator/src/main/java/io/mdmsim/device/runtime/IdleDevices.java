package io.mdmsim.device.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * The fleet's devices that wait without a thread (a device in its managed life between check-ins): the threads that
 * wake them, and the list the fleet stops when its run is stopped. A stopped fleet cannot interrupt a thread that an
 * idle device does not have, so it tells each one here.
 */
public final class IdleDevices {

    /** A device that can be told to stop while it holds no thread. */
    public interface Stoppable {
        /** Ends the device's wait soon (on a thread of its own); never blocks. */
        void stop();
    }

    /** Named like the devices' other threads, so a profile counts their work as the devices'. */
    private final ThreadFactory threads = Thread.ofVirtual().name("device-wake-", 0).factory();
    private final Set<Stoppable> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    /** A new (not started) virtual thread for a device's work when it wakes. */
    public Thread thread(Runnable work) {
        return threads.newThread(requireNonNull(work, "work"));
    }

    /** {@code device} is alive and may idle; stopped at once when the fleet is stopping already. */
    public void add(Stoppable device) {
        waiting.add(requireNonNull(device, "device"));
        if (stopped) {
            device.stop();
        }
    }

    /** {@code device}'s idle life is over. */
    public void remove(Stoppable device) {
        waiting.remove(device);
    }

    /** Tells every device that may idle to stop (the fleet run is being stopped); later ones stop as they come. */
    public void stopAll() {
        stopped = true;
        for (Stoppable s : waiting) {
            s.stop();
        }
    }
}
