package io.mdmsim.core.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.mdmsim.core.testing.ArchitectureRules.Part;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules of {@link ArchitectureRules} applied to one part, each with a test that adds the edge the rule
 * forbids to a copy of the part's classes and sees the rule fail. A module extends this class once.
 */
public abstract class PartArchitectureTest {

    /** The part under test. */
    protected abstract Part part();

    /** A class of the part, to find its classes. */
    protected abstract Class<?> anyClassOfThePart();

    /**
     * An edge that closes a cycle: a package of the part and a public class of another package that already depends
     * (directly or not) on that package.
     */
    protected abstract Edge cycleEdge();

    /** For a part that serves HTTP: a service package and a public HTTP adapter of the part; null otherwise. */
    protected Edge httpEdge() {
        return null;
    }

    /** A class of {@code fromPackage} that uses {@code usedClass}. */
    public record Edge(String fromPackage, String usedClass) {
    }

    @Test
    void packagesFormNoCycle() {
        check(ArchitectureRules.noPackageCycles(part()));
    }

    @Test
    void nothingButTheCompositionRootsUsesThem() {
        if (!part().compositionRoots().isEmpty()) {
            check(ArchitectureRules.compositionRootsUnused(part()));
        }
    }

    @Test
    void onlyTheCompositionRootsUseTheHttpAdapters() {
        if (httpEdge() != null) {
            check(ArchitectureRules.httpAdaptersOnlyFromTheRoot(part()));
        }
    }

    @Test
    void nettyOnlyInTheHttpKit() {
        check(ArchitectureRules.nettyOnlyInTheHttpKit(part()));
    }

    @Test
    void internalPackagesStayInside() {
        check(ArchitectureRules.internalPackagesStayInside(part()));
    }

    @Test
    void aCycleAddedToACopyFailsTheRule() {
        assertCaught(ArchitectureRules.noPackageCycles(part()), cycleEdge());
    }

    @Test
    void aServiceReachingAnHttpAdapterInACopyFailsTheRule() {
        if (httpEdge() != null) {
            assertCaught(ArchitectureRules.httpAdaptersOnlyFromTheRoot(part()), httpEdge());
        }
    }

    @Test
    void nettyOutsideTheKitInACopyFailsTheRule() {
        assertCaught(ArchitectureRules.nettyOnlyInTheHttpKit(part()),
                new Edge(cycleEdge().fromPackage(), "io.netty.buffer.ByteBuf"));
    }

    @Test
    void anotherModulesInternalPackageUsedInACopyFailsTheRule() {
        if (!part().root().equals("io.mdmsim.core")) {
            assertCaught(ArchitectureRules.internalPackagesStayInside(part()),
                    new Edge(cycleEdge().fromPackage(), "io.mdmsim.core.cms.internal.CmsSupport"));
        }
    }

    @Test
    void aPackageUsingTheCompositionRootInACopyFailsTheRule() {
        for (String root : part().compositionRoots()) {
            if (isPublic(root)) { // a package-private root cannot be used from another package at all
                assertCaught(ArchitectureRules.compositionRootsUnused(part()), new Edge(cycleEdge().fromPackage(), root));
            }
        }
    }

    private static boolean isPublic(String className) {
        try {
            return java.lang.reflect.Modifier.isPublic(Class.forName(className).getModifiers());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("composition root " + className + " is not on the class path", e);
        }
    }

    private void check(ArchRule rule) {
        rule.check(ArchitectureRules.mainClasses(part()));
    }

    /** The rule holds for the part as it is, and fails once {@code edge} is added to a copy. */
    protected final void assertCaught(ArchRule rule, Edge edge) {
        String name = edge.fromPackage() + ".AddedEdge";
        String source = "package " + edge.fromPackage() + ";\n"
                + "public class AddedEdge {\n    public " + edge.usedClass() + " edge;\n}\n";
        JavaClasses copy = ArchitectureRules.withExtraClass(anyClassOfThePart(), name, source);
        EvaluationResult before = rule.evaluate(copy.that(
                com.tngtech.archunit.base.DescribedPredicate.describe("not the added class",
                        c -> !c.getName().equals(name))));
        assertFalse(before.hasViolation(), () -> "the rule fails before the edge is added:\n" + before.getFailureReport());
        EvaluationResult after = rule.evaluate(copy);
        assertTrue(after.hasViolation(), () -> "the rule did not catch " + name + " -> " + edge.usedClass());
        assertTrue(after.getFailureReport().toString().contains("AddedEdge"),
                () -> "the failure does not name the added class:\n" + after.getFailureReport());
    }
}
