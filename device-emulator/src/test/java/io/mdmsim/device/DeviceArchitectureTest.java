package io.mdmsim.device;

import io.mdmsim.core.testing.ArchitectureRules.Part;
import io.mdmsim.core.testing.PartArchitectureTest;
import java.util.Set;

/** The architecture rules for the virtual devices (docs/DESIGN.md). */
class DeviceArchitectureTest extends PartArchitectureTest {

    @Override
    protected Part part() {
        return new Part("io.mdmsim.device", Set.of("io.mdmsim.device.DeviceFleet"));
    }

    @Override
    protected Class<?> anyClassOfThePart() {
        return DeviceFleet.class;
    }

    @Override
    protected Edge cycleEdge() {
        return new Edge("io.mdmsim.device.model", "io.mdmsim.device.runtime.DeviceRunner");
    }
}
