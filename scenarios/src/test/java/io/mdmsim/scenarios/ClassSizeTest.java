package io.mdmsim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A main class past about 400 lines does two jobs (docs/DESIGN.md "Packages and the rules between them"): it is split,
 * or its doc comment says why it stays that long (a sentence with "400 lines").
 */
class ClassSizeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** "About 400": a few lines over are not a second job. */
    private static final int LIMIT = 410;
    /** The declaration of the top-level type: at the start of a line. */
    private static final Pattern TYPE = Pattern.compile(
            "(?m)^(?:public\\s+|final\\s+|abstract\\s+|sealed\\s+)*(?:class|record|interface|enum)\\s");

    @Test
    void everyLongMainClassIsSplitOrSaysWhyItIsNot() throws IOException {
        Map<String, Integer> unexplained = new TreeMap<>();
        Map<String, Integer> sizes = sizes();
        assertTrue(sizes.size() > 300, "read the main classes under " + ROOT + ": " + sizes.size());
        for (Map.Entry<String, Integer> e : sizes.entrySet()) {
            if (e.getValue() > LIMIT && !explainsItsSize(Files.readString(ROOT.resolve(e.getKey())))) {
                unexplained.put(e.getKey(), e.getValue());
            }
        }
        assertEquals(Map.of(), unexplained, "main classes over " + LIMIT + " lines whose doc comment does not say why");
    }

    @Test
    void aLongClassWithoutAReasonIsFound() {
        assertTrue(explainsItsSize("/**\n * Tables.\n *\n * <p>It stays over 400 lines because it is one schema.\n */\n"
                + "public final class A {\n}\n"));
        assertTrue(!explainsItsSize("/** Tables. */\npublic final class A {\n    /** not about 400 lines */\n}\n"));
        assertTrue(!explainsItsSize("/** Does many things. */\n@SuppressWarnings(\"x\")\nfinal class A {\n}\n"));
        assertTrue(explainsItsSize("/** The options; a little over 400 lines: one field each. */\n@Command(name = \"x\",\n"
                + "        description = {\"a (b)\"})\nfinal class A {\n}\n"));
    }

    /** The doc comment of the top-level type (the last one before its declaration) says why it is long. */
    private static boolean explainsItsSize(String source) {
        Matcher m = TYPE.matcher(source);
        if (!m.find()) {
            return false;
        }
        String before = source.substring(0, m.start());
        int start = before.lastIndexOf("/**");
        int end = before.lastIndexOf("*/");
        return start >= 0 && end > start && before.substring(start, end).contains("400 lines");
    }

    private static Map<String, Integer> sizes() throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(d -> Files.isDirectory(d.resolve("src/main/java"))).toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        try (Stream<String> lines = Files.lines(f)) {
                            out.put(ROOT.relativize(f).toString().replace('\\', '/'), (int) lines.count());
                        }
                    }
                }
            }
        }
        return out;
    }
}
