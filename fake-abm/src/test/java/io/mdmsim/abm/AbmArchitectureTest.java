package io.mdmsim.abm;

import io.mdmsim.core.testing.ArchitectureRules.Part;
import io.mdmsim.core.testing.PartArchitectureTest;
import java.util.Set;

/** The architecture rules for the fake ABM (docs/DESIGN.md). */
class AbmArchitectureTest extends PartArchitectureTest {

    @Override
    protected Part part() {
        return new Part("io.mdmsim.abm", Set.of("io.mdmsim.abm.FakeAbmServer", "io.mdmsim.abm.AbmApp"));
    }

    @Override
    protected Class<?> anyClassOfThePart() {
        return FakeAbmServer.class;
    }

    @Override
    protected Edge cycleEdge() {
        return new Edge("io.mdmsim.abm.inventory", "io.mdmsim.abm.state.AbmState");
    }

    @Override
    protected Edge httpEdge() {
        return new Edge("io.mdmsim.abm.dep", "io.mdmsim.abm.http.DepHandlers");
    }
}
