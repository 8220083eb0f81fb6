package io.mdmsim.scenarios.model;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A whole scenario, as read from its file and checked.
 *
 * @param name          its name in reports
 * @param description   what it shows, or ""
 * @param file          the file it came from (null for a built-in scenario); relative paths are resolved against it
 * @param seed          every random choice follows it
 * @param clock         wall, scaled or manual
 * @param deadline      the whole run's time limit on the scenario's clock, or null for none
 * @param stageTimeouts time limit per stage name ("scep", ... and "default")
 * @param world         the fake ABM and the MDM
 * @param populations   the devices
 * @param fleet         how the devices run
 * @param load          when they power on
 * @param actions       timed actions, in time order
 * @param expectations  what decides the verdict
 */
public record Scenario(String name, String description, Path file, long seed, ClockSpec clock, Duration deadline,
                       Map<String, Duration> stageTimeouts, World world, List<PopulationSpec> populations,
                       FleetSpec fleet, LoadSpec load, List<ActionSpec> actions, List<ExpectationSpec> expectations) {

    public Scenario {
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        requireNonNull(clock, "clock");
        requireNonNull(stageTimeouts, "stageTimeouts");
        requireNonNull(world, "world");
        requireNonNull(fleet, "fleet");
        requireNonNull(load, "load");
        stageTimeouts = Map.copyOf(stageTimeouts);
        populations = List.copyOf(populations);
        actions = List.copyOf(actions);
        expectations = List.copyOf(expectations);
    }

    /** The population of that name, or null. */
    public PopulationSpec population(String populationName) {
        return populations.stream().filter(p -> p.name().equals(populationName)).findFirst().orElse(null);
    }

    /** A copy with another seed (the command line's --seed). */
    public Scenario withSeed(long newSeed) {
        return new Scenario(name, description, file, newSeed, clock, deadline, stageTimeouts, world, populations,
                fleet, load, actions, expectations);
    }
}
