package io.mdmsim.scenarios.file;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.scenarios.model.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the readers of a scenario tree share: the tree with its places, the file relative paths start from, and the
 * problems found so far, with the checks every part uses (a name used once, a reference to a population, an MDM server
 * or an organization, a duration).
 */
final class MappingContext {

    final LocatedTree t;
    private final Path file;
    private final List<Problem> problems = new ArrayList<>();

    MappingContext(LocatedTree tree, Path file) {
        this.t = tree;
        this.file = file;
    }

    /** The problems found, in file order. */
    List<Problem> problems() {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(null);
        return sorted;
    }

    /** A name used once only: a second use is a problem at its place. */
    void once(Set<String> seen, String name, String at) {
        if (!seen.add(name)) {
            problem(at, ScenarioSchema.dotted(at.endsWith("/name") ? at : at + "/name") + ": '" + name
                    + "' is used twice (expected: a name of its own)");
        }
    }

    void checkPopulationRef(Set<String> names, String at, String name) {
        if (!names.contains(name)) {
            problem(at, ScenarioSchema.dotted(at) + ": '" + name + "' is not a population (expected: one of "
                    + (names.isEmpty() ? "(none defined)" : String.join(", ", names.stream().sorted().toList())) + ")");
        }
    }

    void checkOrgRef(Set<String> names, String at, String name) {
        if (!names.contains(name)) {
            problem(at, ScenarioSchema.dotted(at) + ": '" + name + "' is not an organization of world.abm (expected: "
                    + (names.isEmpty() ? "an organization listed in world.abm.organizations"
                    : "one of " + String.join(", ", names.stream().sorted().toList())) + ")");
        }
    }

    void checkServerRef(Set<String> names, String at, String name) {
        if (!names.contains(name)) {
            problem(at, ScenarioSchema.dotted(at) + ": '" + name + "' is not an MDM server of world.abm (expected: one"
                    + " of " + String.join(", ", names.stream().sorted().toList()) + ")");
        }
    }

    Duration duration(String pointer) {
        String text = t.root().at(pointer).asText();
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problem(pointer, ScenarioSchema.dotted(pointer) + ": " + e.getMessage());
            return Duration.ZERO;
        }
    }

    /** A duration that must be more than zero (a time limit). */
    Duration positiveDuration(String pointer) {
        int before = problems.size();
        Duration d = duration(pointer);
        if (d.isZero() && problems.size() == before) {
            problem(pointer, ScenarioSchema.dotted(pointer) + ": " + t.root().at(pointer).asText()
                    + " (expected: more than 0)");
        }
        return d;
    }

    void problem(String pointer, String message) {
        problems.add(new Problem(t.at(pointer), message));
    }

    Path path(JsonNode v) {
        if (!v.isTextual()) {
            return null;
        }
        Path p = Path.of(v.asText());
        return file == null || p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p).normalize();
    }

    Duration durationOr(JsonNode parent, String at, String key, String dflt) {
        return parent.has(key) ? duration(at + "/" + key) : Durations.parse(dflt);
    }
}
