package io.mdmsim.device;

import java.time.Duration;

/**
 * Live progress of a fleet run. Called from the devices' own virtual threads, concurrently: implementations must be
 * thread-safe and quick (no blocking I/O). Exceptions thrown by a listener are logged and otherwise ignored.
 */
public interface FleetListener {

    FleetListener NONE = new FleetListener() { };

    /** Tells {@code first}, then {@code second}, every event (e.g. live progress and a run's recorder). */
    static FleetListener both(FleetListener first, FleetListener second) {
        java.util.Objects.requireNonNull(first, "first");
        java.util.Objects.requireNonNull(second, "second");
        return new FleetListener() {
            @Override
            public void stageEntered(DeviceRef device, Stage stage) {
                first.stageEntered(device, stage);
                second.stageEntered(device, stage);
            }

            @Override
            public void stageCompleted(DeviceRef device, Stage stage, Duration took) {
                first.stageCompleted(device, stage, took);
                second.stageCompleted(device, stage, took);
            }

            @Override
            public void stageFailed(DeviceRef device, Stage stage, Outcome outcome, String reason) {
                first.stageFailed(device, stage, outcome, reason);
                second.stageFailed(device, stage, outcome, reason);
            }

            @Override
            public void deviceFinished(DeviceResult result) {
                first.deviceFinished(result);
                second.deviceFinished(result);
            }

            @Override
            public void paneSeen(DeviceRef device, PaneEvent pane) {
                first.paneSeen(device, pane);
                second.paneSeen(device, pane);
            }
        };
    }

    default void stageEntered(DeviceRef device, Stage stage) { }

    default void stageCompleted(DeviceRef device, Stage stage, Duration took) { }

    default void stageFailed(DeviceRef device, Stage stage, Outcome outcome, String reason) { }

    default void deviceFinished(DeviceResult result) { }

    /**
     * An error the device showed its user and then got past, e.g. "The SCEP server returned an invalid response" before
     * its user downloaded the management profile again; errors that end a device's run come as {@link #stageFailed}.
     */
    default void errorShown(DeviceRef device, Stage stage, String error) { }

    /** A Setup Assistant pane the device reached: shown (after the user left it) or hidden, with the reason. */
    default void paneSeen(DeviceRef device, PaneEvent pane) { }
}
