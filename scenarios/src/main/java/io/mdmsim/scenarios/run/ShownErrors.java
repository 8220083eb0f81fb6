package io.mdmsim.scenarios.run;

import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.report.RunRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The errors devices showed their users and got past (a SCEP error before a retry): kept per device for the
 * expectations on error texts, and recorded with the run's other errors.
 */
final class ShownErrors implements FleetListener {

    /** At most this many texts are kept per device. */
    private static final int MAX_PER_DEVICE = 20;

    private final RunRecorder recorder;
    private final Map<String, List<String>> bySerial = new ConcurrentHashMap<>();

    ShownErrors(RunRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void errorShown(DeviceRef device, Stage stage, String error) {
        List<String> texts = bySerial.computeIfAbsent(device.serialNumber(), s -> new ArrayList<>());
        synchronized (texts) {
            if (texts.size() < MAX_PER_DEVICE) {
                texts.add(error);
            }
        }
        recorder.error(device.toString(), stage, error);
    }

    /** The errors a device showed and got past, in order. */
    List<String> of(String serial) {
        List<String> texts = bySerial.getOrDefault(serial, List.of());
        synchronized (texts) {
            return List.copyOf(texts);
        }
    }
}
