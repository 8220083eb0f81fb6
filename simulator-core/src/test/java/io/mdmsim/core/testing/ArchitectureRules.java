package io.mdmsim.core.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The project's architecture rules (docs/DESIGN.md "Packages and the rules between them"), as ArchUnit rules a module
 * checks against its own classes. {@link PartArchitectureTest} applies them to one part; {@link #withExtraClass}
 * compiles one more class beside a module's real classes so a test can show that a rule fails when a forbidden edge
 * is added.
 */
public final class ArchitectureRules {

    /** The package of the HTTP server kit, the only place Netty types may appear. */
    public static final String HTTP_KIT = "io.mdmsim.core.http";

    private ArchitectureRules() {
    }

    /**
     * One part of the project (or simulator-core): its root package and the composition roots in it, the classes
     * that wire the packages together (such as {@code MdmServer}). A composition root may use every package; no
     * package of the part may use it.
     */
    public record Part(String root, Set<String> compositionRoots) {

        public Part {
            compositionRoots = Set.copyOf(compositionRoots);
        }

        boolean isCompositionRoot(JavaClass c) {
            String name = c.getName();
            return compositionRoots.stream().anyMatch(r -> name.equals(r) || name.startsWith(r + "$"));
        }

        boolean contains(JavaClass c) {
            return c.getPackageName().equals(root) || c.getPackageName().startsWith(root + ".");
        }

        /** The first package below the root ({@code http} for {@code io.mdmsim.mdm.http.x}), or "" for the root. */
        String sliceOf(JavaClass c) {
            String pkg = c.getPackageName();
            if (pkg.equals(root)) {
                return "";
            }
            String rest = pkg.substring(root.length() + 1);
            int dot = rest.indexOf('.');
            return dot < 0 ? rest : rest.substring(0, dot);
        }
    }

    /** The main (not test) classes of a part, as the class path holds them; imported once per test run. */
    public static JavaClasses mainClasses(Part part) {
        return IMPORTED.computeIfAbsent(part.root(), root -> new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(root));
    }

    private static final Map<String, JavaClasses> IMPORTED = new ConcurrentHashMap<>();

    /**
     * The packages directly below the root (with their sub-packages) and the root itself, composition roots left
     * out, form no cycle.
     */
    public static ArchRule noPackageCycles(Part part) {
        return slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                if (!part.contains(c) || part.isCompositionRoot(c)) {
                    return SliceIdentifier.ignore();
                }
                String slice = part.sliceOf(c);
                return SliceIdentifier.of(slice.isEmpty() ? part.root() : part.root() + "." + slice);
            }

            @Override
            public String getDescription() {
                return "the packages of " + part.root();
            }
        }).should().beFreeOfCycles();
    }

    /** Nothing in the part but its composition roots uses a composition root. */
    public static ArchRule compositionRootsUnused(Part part) {
        return noClasses().that(inPart(part).and(not(compositionRoot(part))))
                .should().dependOnClassesThat(compositionRoot(part))
                .as("no class of " + part.root() + " uses its composition roots " + part.compositionRoots());
    }

    /** Only the composition roots use the part's HTTP adapters ({@code <root>.http}); services never do. */
    public static ArchRule httpAdaptersOnlyFromTheRoot(Part part) {
        String http = part.root() + ".http";
        return noClasses().that(inPart(part).and(not(compositionRoot(part))).and(not(inPackageTree(http))))
                .should().dependOnClassesThat(inPackageTree(http))
                .as("only the composition roots of " + part.root() + " use its HTTP adapters " + http);
    }

    /** Netty types appear only in the HTTP kit of simulator-core. */
    public static ArchRule nettyOnlyInTheHttpKit(Part part) {
        return noClasses().that(inPart(part).and(not(inPackageTree(HTTP_KIT))))
                .should().dependOnClassesThat(inPackageTree("io.netty"))
                .as("Netty types appear only in " + HTTP_KIT);
    }

    /**
     * No class of the part uses an {@code internal} package of another module ({@code io.mdmsim.core.cms.internal}
     * is for simulator-core alone).
     */
    public static ArchRule internalPackagesStayInside(Part part) {
        return noClasses().that(inPart(part))
                .should().dependOnClassesThat(DescribedPredicate.describe("in an internal package of another module",
                        c -> (c.getPackageName().contains(".internal.") || c.getPackageName().endsWith(".internal"))
                                && c.getPackageName().startsWith("io.mdmsim.") && !part.contains(c)))
                .as("no class of " + part.root() + " uses an internal package of another module");
    }

    /** The modules: simulator-core, the three parts, and scenarios, each by its root package. */
    public static final List<String> MODULES = List.of("io.mdmsim.core", "io.mdmsim.abm", "io.mdmsim.mdm",
            "io.mdmsim.device", "io.mdmsim.scenarios");

    /**
     * The module rule (scenarios -> the parts -> simulator-core): simulator-core uses no other module, a part uses
     * only simulator-core.
     */
    public static ArchRule moduleRule() {
        return noClasses().should(new ArchCondition<JavaClass>("cross the module rule") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                String from = moduleOf(origin.getPackageName());
                if (from == null || from.equals("io.mdmsim.scenarios")) {
                    return;
                }
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    String to = moduleOf(d.getTargetClass().getPackageName());
                    boolean allowed = to == null || to.equals(from) || to.equals("io.mdmsim.core");
                    if (!allowed) {
                        events.add(SimpleConditionEvent.satisfied(origin,
                                from + " may use only simulator-core: " + d.getDescription()));
                    }
                }
            }
        }).as("the module rule: scenarios -> fake-abm, mdm-endpoint, device-emulator -> simulator-core");
    }

    /**
     * Other modules use a part only through its root package (its public API: {@code MdmServer}, {@code MdmConfig},
     * {@code FakeAbmServer}, {@code DeviceFleet} and the like); the one exception is the MDM's {@code management}
     * package, whose {@code EnrollmentProfile} names the settings the CLI offers.
     */
    public static ArchRule partsUsedThroughTheirApi() {
        return noClasses().should(new ArchCondition<JavaClass>("reach into another part") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                String from = moduleOf(origin.getPackageName());
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    String pkg = d.getTargetClass().getPackageName();
                    String to = moduleOf(pkg);
                    if (to == null || to.equals(from) || to.equals("io.mdmsim.core") || pkg.equals(to)
                            || pkg.equals("io.mdmsim.mdm.management")) {
                        continue;
                    }
                    events.add(SimpleConditionEvent.satisfied(origin,
                            "uses a package of " + to + " other than its API: " + d.getDescription()));
                }
            }
        }).as("other modules use a part only through its root (API) package");
    }

    static String moduleOf(String pkg) {
        return MODULES.stream().filter(m -> pkg.equals(m) || pkg.startsWith(m + ".")).findFirst().orElse(null);
    }

    /**
     * The classes of a part plus one more, compiled now from {@code source} against the test class path into a
     * fresh directory: the real classes with one added edge, for showing that a rule catches it.
     *
     * @param anyClassOfThePart locates the part's classes (its directory or jar)
     * @param className         the added class, e.g. {@code io.mdmsim.mdm.queue.AddedEdge}
     * @param source            its Java source
     */
    public static JavaClasses withExtraClass(Class<?> anyClassOfThePart, String className, String source) {
        return withExtraClass(List.of(anyClassOfThePart), className, source);
    }

    /** As {@link #withExtraClass(Class, String, String)}, over the classes of several modules. */
    public static JavaClasses withExtraClass(List<Class<?>> anyClassOfEachModule, String className, String source) {
        try {
            Path dir = Files.createTempDirectory("archunit-extra");
            Path file = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source);
            Path out = Files.createDirectories(dir.resolve("classes"));
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac == null) {
                throw new IllegalStateException("no Java compiler in this runtime (tests need a JDK, not a JRE)");
            }
            StringWriter errors = new StringWriter();
            boolean ok = javac.getTask(errors, null, null,
                    List.of("-proc:none", "-d", out.toString(), "-cp", System.getProperty("java.class.path")), null,
                    javac.getStandardFileManager(null, null, null).getJavaFileObjects(file)).call();
            if (!ok) {
                throw new IllegalStateException("the added class does not compile:\n" + errors);
            }
            List<Location> locations = new ArrayList<>();
            for (Class<?> c : anyClassOfEachModule) {
                URL location = c.getProtectionDomain().getCodeSource().getLocation();
                locations.add(Location.of(location));
            }
            locations.add(Location.of(out.toUri().toURL()));
            return new ClassFileImporter().importLocations(locations);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DescribedPredicate<JavaClass> inPart(Part part) {
        return DescribedPredicate.describe("in " + part.root(), part::contains);
    }

    static DescribedPredicate<JavaClass> compositionRoot(Part part) {
        return DescribedPredicate.describe("a composition root of " + part.root(), part::isCompositionRoot);
    }

    static DescribedPredicate<JavaClass> inPackageTree(String pkg) {
        return DescribedPredicate.describe("in " + pkg + "..",
                c -> c.getPackageName().equals(pkg) || c.getPackageName().startsWith(pkg + "."));
    }

    static <T> DescribedPredicate<T> not(DescribedPredicate<T> p) {
        return DescribedPredicate.not(p);
    }
}
