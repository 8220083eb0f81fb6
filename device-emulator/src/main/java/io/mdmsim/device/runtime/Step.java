package io.mdmsim.device.runtime;

import io.mdmsim.device.Stage;
import io.mdmsim.device.model.StageFailure;

/** One stage of a device's run. Steps run in order on the device's thread; a later issue inserts more of them. */
public interface Step {

    Stage stage();

    /** False to skip the stage for this device (it is then neither entered nor timed). */
    default boolean applies(DeviceContext ctx) {
        return true;
    }

    void run(DeviceContext ctx) throws StageFailure, InterruptedException;
}
