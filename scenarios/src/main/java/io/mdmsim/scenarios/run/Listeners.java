package io.mdmsim.scenarios.run;

import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.PaneEvent;
import io.mdmsim.device.Stage;
import java.time.Duration;
import java.util.List;

/** Several fleet listeners as one, called in order. */
record Listeners(List<FleetListener> all) implements FleetListener {

    Listeners {
        all = List.copyOf(all);
    }

    static FleetListener of(FleetListener... listeners) {
        return new Listeners(List.of(listeners));
    }

    @Override
    public void stageEntered(DeviceRef device, Stage stage) {
        all.forEach(l -> l.stageEntered(device, stage));
    }

    @Override
    public void stageCompleted(DeviceRef device, Stage stage, Duration took) {
        all.forEach(l -> l.stageCompleted(device, stage, took));
    }

    @Override
    public void stageFailed(DeviceRef device, Stage stage, Outcome outcome, String reason) {
        all.forEach(l -> l.stageFailed(device, stage, outcome, reason));
    }

    @Override
    public void deviceFinished(DeviceResult result) {
        all.forEach(l -> l.deviceFinished(result));
    }

    @Override
    public void paneSeen(DeviceRef device, PaneEvent pane) {
        all.forEach(l -> l.paneSeen(device, pane));
    }

    @Override
    public void errorShown(DeviceRef device, Stage stage, String error) {
        all.forEach(l -> l.errorShown(device, stage, error));
    }
}
