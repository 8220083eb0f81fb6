package io.mdmsim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources and docs name only documents the project contains: every Markdown file name that a source, doc, script or
 * build file mentions is a file of the repository (by its path from the citing file or from the root, or, for a bare
 * file name, some file of that name), and a section named after it in quotes (such as {@code docs/devices.md "Java
 * API"}) is a heading or a bold term of that document. Apple's documents are cited by page title (docs/DESIGN.md),
 * never as files.
 */
class DocReferencesTest {

    /** Written apart here so that this file's own examples are not references. */
    private static final String MD = "." + "md";
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** A Markdown file name with an optional relative path; not inside a URL, a package name or a longer path. */
    private static final Pattern REFERENCE =
            Pattern.compile("(?<![\\w/.:-])((?:\\.{1,2}/)*(?:[\\w-]+/)*[\\w-]+\\.md)\\b");
    /** A Markdown file name followed by a quoted section name. */
    private static final Pattern SECTION =
            Pattern.compile("(?<![\\w/.:-])((?:[\\w-]+/)*[\\w-]+\\.md)[\"\u201d]?\\s+[\"\u201c]([^\"\u201d\\n]{2,80})[\"\u201d]");
    private static final Set<String> TEXT = Set.of("java", "md", "yaml", "yml", "json", "xml", "properties", "sh",
            "html", "txt", "csv", "toml");
    /** The folder beside the checkout that holds Apple's schemas: not ours, so named only by the one test gate. */
    private static final String SHARED = "../" + "shared";
    private static final Set<String> SHARED_GATE = Set.of(".ci/run", "README.md", "pom.xml",
            "simulator-core/src/test/java/io/mdmsim/core/testing/Prerequisites.java",
            "simulator-core/src/test/java/io/mdmsim/core/testing/PrerequisitesTest.java");
    private static final Set<String> SKIPPED_DIRS = Set.of("target", "node_modules", "reports");

    @Test
    void everyMarkdownFileNamedInTheProjectExists() throws IOException {
        Scan scan = scan(ROOT);
        assertTrue(scan.files > 500, "scanned " + scan.files + " files under " + ROOT);
        assertEquals(List.of(), scan.dangling, "files naming a Markdown document the repository does not contain");
        assertEquals(List.of(), scan.missingSections, "files naming a section a document does not have");
        List<String> outsideTheGate = scan.namingShared.stream().filter(f -> !SHARED_GATE.contains(f)).toList();
        assertEquals(List.of(), outsideTheGate, "files naming " + SHARED + " besides the test gate (README \"Building"
                + " and testing\", io.mdmsim.core.testing.Prerequisites): cite Apple's documents by name instead");
    }

    @Test
    void aReferenceToAMissingDocumentIsFound(@TempDir Path tree) throws IOException {
        Files.createDirectories(tree.resolve("docs"));
        Files.createDirectories(tree.resolve("core/src/main/java/x"));
        Files.writeString(tree.resolve("README" + MD), "See docs/guide" + MD + " and [guide](docs/guide" + MD
                + "#start).\n");
        Files.writeString(tree.resolve("docs/guide" + MD), "# Guide\n\n## Start here\n\n- **A decision.** Text.\n\n"
                + "Back to ../README" + MD + "; the rules are in RULES" + MD + ".\n");
        Files.writeString(tree.resolve("docs/notes.txt"), "docs/guide" + MD + " \"Start here\", docs/guide" + MD
                + " \"A decision\", docs/guide" + MD + " \"Nowhere\"\n");
        Files.writeString(tree.resolve("core/src/main/java/x/A.java"), "/** As guide" + MD + " says (docs/guide" + MD
                + "), and " + SHARED + "/WIRE" + MD + "; https://example.com/page" + MD + " is a URL; io.mdmsim is a "
                + "package. */\nclass A {}\n");
        Files.createDirectories(tree.resolve("core/target"));
        Files.writeString(tree.resolve("core/target/B.java"), "// GONE" + MD + " (build output is not scanned)\n");

        Scan scan = scan(tree);

        assertEquals(4, scan.files);
        assertEquals(List.of("core/src/main/java/x/A.java: " + SHARED + "/WIRE" + MD, "docs/guide" + MD + ": RULES" + MD),
                scan.dangling);
        assertEquals(List.of("docs/notes.txt: docs/guide" + MD + " \"Nowhere\""), scan.missingSections);
        assertEquals(List.of("core/src/main/java/x/A.java"), scan.namingShared);
    }

    private record Scan(int files, List<String> dangling, List<String> missingSections, List<String> namingShared) {
    }

    private static Scan scan(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        Map<String, Path> markdownFiles = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean hidden = name.startsWith(".") && !name.equals(".ci") && !dir.equals(root);
                return hidden || SKIPPED_DIRS.contains(name) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                int dot = name.lastIndexOf('.');
                boolean script = dot < 0 && attrs.size() < 1 << 20; // build, mdmsim, .ci/run
                if ((dot > 0 && TEXT.contains(name.substring(dot + 1))) || script) {
                    files.add(file);
                }
                if (name.endsWith(MD)) {
                    markdownFiles.putIfAbsent(name, file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        List<String> dangling = new ArrayList<>();
        List<String> namingShared = new ArrayList<>();
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            if (text.contains(SHARED)) {
                namingShared.add(root.relativize(file).toString().replace('\\', '/'));
            }
            Matcher m = REFERENCE.matcher(text);
            Set<String> seen = new TreeSet<>();
            while (m.find()) {
                String ref = m.group(1);
                if (seen.add(ref) && target(root, file, ref, markdownFiles) == null) {
                    dangling.add(root.relativize(file).toString().replace('\\', '/') + ": " + ref);
                }
            }
        }
        dangling.sort(null);
        List<String> missingSections = new ArrayList<>();
        for (Path file : files) {
            Matcher m = SECTION.matcher(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            while (m.find()) {
                Path doc = target(root, file, m.group(1), markdownFiles);
                if (doc != null && !hasSection(Files.readString(doc), m.group(2))) {
                    missingSections.add(root.relativize(file).toString().replace('\\', '/') + ": " + m.group(1)
                            + " \"" + m.group(2) + "\"");
                }
            }
        }
        missingSections.sort(null);
        namingShared.sort(null);
        return new Scan(files.size(), dangling, missingSections, namingShared);
    }

    /** A heading ({@code ## Section ...}) or a bold term ({@code **Section ...}) that starts with the name. */
    private static boolean hasSection(String doc, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return doc.lines().map(l -> l.strip().toLowerCase(Locale.ROOT)).anyMatch(l ->
                l.startsWith("#") && l.replaceFirst("^#+\\s*", "").startsWith(wanted)
                        || l.replaceFirst("^[-*]\\s+", "").startsWith("**" + wanted));
    }

    /** The document a reference names, or null if it names none. */
    private static Path target(Path root, Path citing, String ref, Map<String, Path> markdownFiles) {
        for (Path base : List.of(citing.getParent(), root)) {
            Path target = base.resolve(ref).normalize();
            if (target.startsWith(root) && Files.isRegularFile(target)) {
                return target;
            }
        }
        return ref.contains("/") ? null : markdownFiles.get(ref);
    }

}
