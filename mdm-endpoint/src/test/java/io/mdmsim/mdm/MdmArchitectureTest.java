package io.mdmsim.mdm;

import io.mdmsim.core.testing.ArchitectureRules.Part;
import io.mdmsim.core.testing.PartArchitectureTest;
import java.util.Set;

/** The architecture rules for the reference MDM (docs/DESIGN.md). */
class MdmArchitectureTest extends PartArchitectureTest {

    @Override
    protected Part part() {
        return new Part("io.mdmsim.mdm", Set.of("io.mdmsim.mdm.MdmServer"));
    }

    @Override
    protected Class<?> anyClassOfThePart() {
        return MdmServer.class;
    }

    @Override
    protected Edge cycleEdge() {
        return new Edge("io.mdmsim.mdm.queue", "io.mdmsim.mdm.device.DeviceRecord");
    }

    @Override
    protected Edge httpEdge() {
        return new Edge("io.mdmsim.mdm.service", "io.mdmsim.mdm.http.MdmHttp");
    }
}
