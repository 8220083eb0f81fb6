package io.mdmsim.device;

import java.time.Duration;

/**
 * Live progress of a fleet run. Called from the devices' own virtual threads, concurrently: implementations must be
 * thread-safe and quick (no blocking I/O). Exceptions thrown by a listener are logged and otherwise ignored.
 */
public interface FleetListener {

    FleetListener NONE = new FleetListener() { };

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
