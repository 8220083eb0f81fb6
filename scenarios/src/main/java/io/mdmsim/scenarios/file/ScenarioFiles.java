package io.mdmsim.scenarios.file;

import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.model.Where;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads scenario files: YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}), at most {@link #MAX_BYTES},
 * checked against the scenario schema and the rules between its parts. A file that cannot be run is a
 * {@link ScenarioException} listing every problem with {@code FILE:LINE:COLUMN}.
 */
public final class ScenarioFiles {

    /** The largest scenario file read. */
    public static final int MAX_BYTES = 1 << 20;

    private ScenarioFiles() {
    }

    /** Reads and checks the scenario in {@code path}, named in messages as the user wrote it. */
    public static Scenario read(Path path) {
        String shown = path.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(path)) {
                throw new ScenarioException(new Problem(Where.file(shown), "is a directory (expected: a scenario file)"));
            }
            if (Files.size(path) > MAX_BYTES) {
                throw new ScenarioException(new Problem(Where.file(shown), Files.size(path) + " bytes (expected: at most "
                        + MAX_BYTES + ")"));
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(new Problem(Where.file(shown), "no such file (expected: a scenario file, e.g."
                    + " scenarios/library/scep-wait-16-minutes.yaml)"));
        } catch (IOException e) {
            throw new ScenarioException(new Problem(Where.file(shown), "cannot read: " + e.getMessage()));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ScenarioException(new Problem(Where.file(shown), "not UTF-8 text (expected: a YAML or JSON file"
                    + " in UTF-8)"));
        }
        return read(shown, text, path);
    }

    /**
     * Reads and checks scenario {@code text} named {@code shown}; {@code file} (null for a built-in scenario) is where
     * relative paths in it start from.
     */
    public static Scenario read(String shown, String text, Path file) {
        String lower = shown.toLowerCase(Locale.ROOT);
        boolean yaml = !lower.endsWith(".json");
        LocatedTree tree = LocatedTree.read(shown, text, yaml);
        if (!tree.root().isObject()) {
            throw new ScenarioException(new Problem(tree.at(""), "a " + (tree.root().isArray() ? "list" : "single value")
                    + " (expected: a scenario: a map with keys such as populations, load and expect)"));
        }
        List<Problem> problems = new java.util.ArrayList<>();
        problems.addAll(ScenarioSchema.get().check(tree));
        if (problems.isEmpty()) {
            return new ScenarioMapper(tree, file).map(defaultName(shown));
        }
        // the rules between parts too, where they can be checked on a tree the schema refused: every problem at once
        try {
            new ScenarioMapper(tree, file).map(defaultName(shown));
        } catch (ScenarioException more) {
            java.util.Set<String> places = new java.util.HashSet<>();
            problems.forEach(p -> places.add(p.where().toString()));
            more.problems().stream().filter(p -> !places.contains(p.where().toString())).forEach(problems::add);
        } catch (RuntimeException unreadable) {
            // a part the schema refused cannot be read further; its schema problem says what to fix
        }
        throw new ScenarioException(problems.stream().sorted().toList());
    }

    /** The file name without its extension: the scenario's name when it has none. */
    static String defaultName(String shown) {
        String base = Path.of(shown).getFileName().toString();
        int dot = base.lastIndexOf('.');
        String name = dot > 0 ? base.substring(0, dot) : base;
        return name.replaceAll("[^A-Za-z0-9._-]", "-");
    }
}
