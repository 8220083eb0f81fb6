package io.mdmsim.scenarios;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.ArchitectureRules;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.cli.Main;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules between modules (docs/DESIGN.md), checked on the classes of all of them: the module rule, and other
 * modules using a part only through its API package. Each rule is also shown to fail when a copy gains the edge it
 * forbids (as ModuleRuleTest does for the poms).
 */
class ModuleArchitectureTest {

    private static final List<Class<?>> MODULES = List.of(Plist.class, FakeAbmServer.class, MdmServer.class,
            DeviceFleet.class, Main.class);

    private static JavaClasses all() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.mdmsim");
    }

    @Test
    void theModuleRuleHolds() {
        ArchitectureRules.moduleRule().check(all());
    }

    @Test
    void otherModulesUseAPartOnlyThroughItsApi() {
        ArchitectureRules.partsUsedThroughTheirApi().check(all());
    }

    @Test
    void aPartUsingAnotherPartInACopyBreaksTheModuleRule() {
        assertCaught(ArchitectureRules.moduleRule(), "io.mdmsim.mdm.queue", "io.mdmsim.abm.FakeAbmServer");
    }

    @Test
    void simulatorCoreUsingAPartInACopyBreaksTheModuleRule() {
        assertCaught(ArchitectureRules.moduleRule(), "io.mdmsim.core.plist", "io.mdmsim.device.DeviceFleet");
    }

    @Test
    void scenariosReachingIntoAPartInACopyBreaksTheApiRule() {
        assertCaught(ArchitectureRules.partsUsedThroughTheirApi(), "io.mdmsim.scenarios.cli",
                "io.mdmsim.mdm.http.MdmHttp");
    }

    private static void assertCaught(ArchRule rule, String pkg, String used) {
        String name = pkg + ".AddedEdge";
        JavaClasses copy = ArchitectureRules.withExtraClass(MODULES, name,
                "package " + pkg + ";\npublic class AddedEdge {\n    public " + used + " edge;\n}\n");
        EvaluationResult before = rule.evaluate(copy.that(com.tngtech.archunit.base.DescribedPredicate.describe(
                "not the added class", c -> !c.getName().equals(name))));
        assertFalse(before.hasViolation(), () -> "fails before the edge is added:\n" + before.getFailureReport());
        EvaluationResult after = rule.evaluate(copy);
        assertTrue(after.hasViolation(), () -> "did not catch " + name + " -> " + used);
        assertTrue(after.getFailureReport().toString().contains("AddedEdge"), () -> after.getFailureReport().toString());
    }
}
