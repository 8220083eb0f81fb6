package io.mdmsim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/DESIGN.md's package tables match the tree: every main package of every module has a row and a
 * package-info.java saying what it holds, and every package a row names exists.
 */
class DesignDocTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** A table row's package column: "| module | `io.mdmsim...` |" or "| | `io.mdmsim...` |". */
    private static final Pattern ROW = Pattern.compile("(?m)^\\|[^|]*\\|\\s*`(io\\.mdmsim[\\w.]*)`\\s*\\|");

    @Test
    void everyPackageIsInTheDesignTablesWithAPackageInfoAndEveryRowExists() throws IOException {
        Set<String> packages = packages();
        assertTrue(packages.size() > 30, "found the modules' packages under " + ROOT + ": " + packages);
        String design = Files.readString(ROOT.resolve("docs/DESIGN.md"));
        Set<String> rows = new TreeSet<>();
        Matcher m = ROW.matcher(design);
        while (m.find()) {
            rows.add(m.group(1));
        }
        Set<String> missing = new TreeSet<>(packages);
        missing.removeAll(rows);
        assertEquals(Set.of(), missing, "packages without a row in docs/DESIGN.md");
        Set<String> stale = new TreeSet<>(rows);
        stale.removeAll(packages);
        assertEquals(Set.of(), stale, "rows of docs/DESIGN.md naming no package");
        Set<String> undocumented = new TreeSet<>();
        for (String p : packages) {
            if (packageDirs(p).noneMatch(d -> Files.exists(d.resolve("package-info.java")))) {
                undocumented.add(p);
            }
        }
        assertEquals(Set.of(), undocumented, "packages without a package-info.java");
    }

    /** Every package with a main source file, in every module (a directory with a pom.xml and src/main/java). */
    private static Set<String> packages() throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(d -> Files.exists(d.resolve("pom.xml"))
                    && Files.isDirectory(d.resolve("src/main/java"))).toList()) {
                Path src = module.resolve("src/main/java");
                try (Stream<Path> files = Files.walk(src)) {
                    files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"))
                            .forEach(f -> out.add(src.relativize(f.getParent()).toString().replace('/', '.')));
                }
            }
        }
        return out;
    }

    private static Stream<Path> packageDirs(String pkg) {
        try {
            return Files.list(ROOT).map(m -> m.resolve("src/main/java").resolve(pkg.replace('.', '/')))
                    .filter(Files::isDirectory).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
