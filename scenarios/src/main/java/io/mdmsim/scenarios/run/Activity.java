package io.mdmsim.scenarios.run;

import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.PaneEvent;
import io.mdmsim.device.Stage;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the fleet does: devices running now, and every event (a change means something happened). */
final class Activity implements FleetListener {

    /** Devices that powered on at least once (a wiped device powers on again: still one device). */
    private final java.util.Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicLong events = new AtomicLong();

    /** Devices that powered on and did not finish yet. */
    int running() {
        return started.size() - finished.get();
    }

    int started() {
        return started.size();
    }

    int finished() {
        return finished.get();
    }

    long events() {
        return events.get();
    }

    @Override
    public void stageEntered(DeviceRef device, Stage stage) {
        if (stage == Stage.POWER_ON) {
            started.add(device.serialNumber());
        }
        events.incrementAndGet();
    }

    @Override
    public void stageCompleted(DeviceRef device, Stage stage, Duration took) {
        events.incrementAndGet();
    }

    @Override
    public void stageFailed(DeviceRef device, Stage stage, Outcome outcome, String reason) {
        events.incrementAndGet();
    }

    @Override
    public void deviceFinished(DeviceResult result) {
        finished.incrementAndGet();
        events.incrementAndGet();
    }

    @Override
    public void paneSeen(DeviceRef device, PaneEvent pane) {
        events.incrementAndGet();
    }

    @Override
    public void errorShown(DeviceRef device, Stage stage, String error) {
        events.incrementAndGet();
    }
}
