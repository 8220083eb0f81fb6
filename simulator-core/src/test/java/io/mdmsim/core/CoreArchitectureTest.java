package io.mdmsim.core;

import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.ArchitectureRules.Part;
import io.mdmsim.core.testing.PartArchitectureTest;
import java.util.Set;

/** The architecture rules for simulator-core (docs/DESIGN.md). */
class CoreArchitectureTest extends PartArchitectureTest {

    private static final Part CORE = new Part("io.mdmsim.core", Set.of());

    @Override
    protected Part part() {
        return CORE;
    }

    @Override
    protected Class<?> anyClassOfThePart() {
        return Plist.class;
    }

    @Override
    protected Edge cycleEdge() {
        return new Edge("io.mdmsim.core.plist", "io.mdmsim.core.protocol.CheckinCodec");
    }
}
