package io.mdmsim.scenarios.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.scenarios.CliRun;
import io.mdmsim.scenarios.model.ClockSpec;
import io.mdmsim.scenarios.model.LoadSpec;
import io.mdmsim.scenarios.model.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario files: every bad input a problem at FILE:LINE:COLUMN saying what was expected; validate exits 2. */
class ScenarioFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private List<String> problems(String yaml) throws IOException {
        Path f = write("s.yaml", yaml);
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioFiles.read(f));
        return e.problems().stream().map(p -> p.toString().replace(f.toString(), "s.yaml")).toList();
    }

    @Test
    void aGoodScenarioBecomesTheModel() throws IOException {
        Scenario s = ScenarioFiles.read(write("good.yaml", """
                seed: 7
                clock: x60
                deadline: 1h30m
                populations:
                  - name: iphones
                    count: 800
                    models: iPhone
                    behaviour: {scepDelayShare: 0.05, scepDelay: 16m}
                  - name: ipads
                    count: 200
                    models: {iPad: 1}
                load: {model: constant-arrival-rate, rate: 3000, timeUnit: 1m}
                expect:
                  - outcome: enrolled
                    threshold: rate >= 99%
                  - stage: scep
                    population: iphones
                    threshold: p(95) < 2s
                """));
        assertEquals("good", s.name());
        assertEquals(7, s.seed());
        assertEquals(new ClockSpec.Scaled(60), s.clock());
        assertEquals(Duration.ofMinutes(90), s.deadline());
        assertEquals(2, s.populations().size());
        assertEquals(Duration.ofMinutes(16), s.populations().getFirst().behaviour().scepDelay());
        assertEquals(0.05, s.populations().getFirst().behaviour().scepDelayShare());
        assertEquals("iPad=1", s.populations().get(1).models());
        assertEquals(new LoadSpec.ConstantArrivalRate(3000, Duration.ofMinutes(1), null), s.load());
        assertEquals("devices enrolled", s.expectations().getFirst().name());
        assertEquals(0.99, s.expectations().getFirst().threshold().value(), 1e-9);
        assertEquals("time in stage scep (iphones)", s.expectations().get(1).name());
        assertEquals(2000, s.expectations().get(1).threshold().value());
    }

    @Test
    void anUnknownKeyNamesItsPlaceAndTheKeysAllowed() throws IOException {
        assertEquals(List.of("s.yaml:3:5: populations[0].behavior: unknown key (expected: one of name, count, models,"
                + " os, ipadShare, device, organization, enrollment, profileUrl, behaviour)"), problems("""
                populations:
                  - count: 3
                    behavior: {scepDelay: 16m}
                """));
    }

    @Test
    void aBadDurationAndABadValueAreEachReportedAtTheirValue() throws IOException {
        assertEquals(List.of(
                "s.yaml:1:1: clock: 'fast' (expected: wall, manual or xN with N in 1..999999 (e.g. x60))",
                "s.yaml:5:7: populations[0].behaviour.scepDelay: '16x' (expected: a duration such as 250ms, 30s, 16m,"
                        + " 1h30m or 7d)",
                "s.yaml:6:7: populations[0].behaviour.scepDelayShare: 1.5 (expected: a share 0..1)"), problems("""
                clock: fast
                populations:
                  - count: 3
                    behaviour:
                      scepDelay: 16x
                      scepDelayShare: 1.5
                """));
    }

    @Test
    void thresholdsMustFitTheirSubject() throws IOException {
        assertEquals(List.of(
                "s.yaml:4:5: expect[0].threshold: p(95) on error (expected: count or rate)",
                "s.yaml:6:5: expect[1].threshold: rate on stage (expected: p(N), avg, min, med, max or count)",
                "s.yaml:8:5: expect[2].threshold: 'p(95) << 2s' (expected: AGGREGATE OP VALUE, e.g. 'p(95) < 2s',"
                        + " 'rate >= 0.99', 'count == 5' (aggregates: p(N), avg, min, med, max, count, rate))"),
                problems("""
                populations: [{count: 1}]
                expect:
                  - error: boom
                    threshold: p(95) < 2s
                  - stage: scep
                    threshold: rate > 0.5
                  - stage: scep
                    threshold: p(95) << 2s
                """));
    }

    @Test
    void referencesBetweenPartsAreChecked() throws IOException {
        assertEquals(List.of(
                "s.yaml:5:5: expect[0].population: 'ipad' is not a population (expected: one of iphones)",
                "s.yaml:6:5: expect[1].action: 'later' is not an action's name (expected: one of wipe at 1m)",
                "s.yaml:10:12: actions[0].wipe.population: 'tablets' is not a population (expected: one of iphones)"),
                problems("""
                populations: [{name: iphones, count: 1}]
                expect:
                  - outcome: enrolled
                    threshold: rate == 1
                    population: ipad
                  - action: later
                    threshold: count == 1
                actions:
                  - at: 1m
                    wipe: {population: tablets}
                """));
    }

    @Test
    void organizationsNamedElsewhereMustExist() throws IOException {
        assertEquals(List.of(
                "s.yaml:4:28: world.abm.mdmServers[0].organization: 'Nope' is not an organization of world.abm"
                        + " (expected: one of A)",
                "s.yaml:6:16: populations[0].organization: 'B' is not an organization of world.abm (expected: one"
                        + " of A)"), problems("""
                world:
                  abm:
                    organizations: [{name: A}]
                    mdmServers: [{name: S, organization: Nope}]
                populations:
                  - {count: 1, organization: B}
                """));
    }

    @Test
    void loadKeysMustFitTheModelAndAdvanceClockNeedsAManualClock() throws IOException {
        assertEquals(List.of(
                "s.yaml:5:3: load.stages: not used by constant-arrival-rate (expected: model, rate, timeUnit,"
                        + " duration)",
                "s.yaml:8:5: actions[0].advanceClock: the clock is wall (expected: clock: manual to move it by"
                        + " hand)"), problems("""
                clock: wall
                load:
                  model: constant-arrival-rate
                  rate: 10
                  stages: [{target: 1, duration: 1m}]
                actions:
                  - at: 1m
                    advanceClock: 16m
                """));
    }

    @Test
    void aNamedDeviceMustBeInTheCatalog() throws IOException {
        assertEquals(List.of("s.yaml:4:7: populations[0].device.model: iPhone99,9 is not in the device catalog"
                + " (expected: a product type such as iPhone15,2 (quoted inside {...}: \"iPhone15,2\") or a name such"
                + " as iPhone 14 Pro)"), problems("""
                populations:
                  - device:
                      serial: F2LXK0PQHG7F
                      model: iPhone99,9
                """));
    }

    @Test
    void syntaxErrorsDuplicateKeysAndShapesAreProblemsToo() throws IOException {
        String syntax = problems("populations: [ {count: 1\n").getFirst();
        assertTrue(syntax.matches("s\\.yaml:\\d+:\\d+: while parsing a flow mapping; expected ',' or '}', but got"
                + " <stream end> \\(expected: valid YAML\\)"), syntax);
        assertEquals(List.of("s.yaml:2:1: duplicate key 'seed' (expected: each key once; the first is at line 1)"),
                problems("seed: 1\nseed: 2\n"));
        assertEquals(List.of("s.yaml:1:1: the file is empty (expected: a scenario, e.g. 'populations:' and"
                + " 'expect:')"), problems(""));
        assertEquals(List.of("s.yaml:1:1: a list (expected: a scenario: a map with keys such as populations, load and"
                + " expect)"), problems("- 1\n- 2\n"));
        ScenarioException missing = assertThrows(ScenarioException.class,
                () -> ScenarioFiles.read(dir.resolve("nope.yaml")));
        assertTrue(missing.problems().getFirst().message().startsWith("no such file"), missing.getMessage());
    }

    @Test
    void jsonIsAcceptedWithPlacesOfItsOwn() throws IOException {
        Path f = write("s.json", "{\"seed\": 3,\n \"populations\": [{\"count\": 2}],\n \"clok\": \"wall\"}");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioFiles.read(f));
        assertEquals(f + ":3:2: clok: unknown key (expected: one of name, description, seed, clock, deadline,"
                + " stageTimeouts, world, populations, fleet, load, actions, expect)", e.problems().getFirst()
                .toString());
        Files.writeString(f, "{\"seed\": 3, \"populations\": [{\"count\": 2}]}");
        assertEquals(3, ScenarioFiles.read(f).seed());
    }

    @Test
    void validateExits2WithEachProblemAndPrintsThePlanOfAGoodFile() throws IOException {
        Path bad = write("bad.yaml", "populations:\n  - count: 0\n");
        Path good = write("good.yaml", """
                clock: manual
                populations: [{name: a, count: 30}]
                load: {model: constant-arrival-rate, rate: 60, timeUnit: 1m}
                """);
        CliRun r = CliRun.run("validate", bad.toString(), good.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(bad + ":2:5: populations[0].count: 0 (expected: at least 1)\n", r.err());
        assertTrue(r.out().contains(good + ": valid, scenario good"), r.out());
        assertTrue(r.out().contains("devices   30 in 1 population: a 30"), r.out());
        assertTrue(r.out().contains("the last device powers on at 29s"), r.out());
        assertTrue(r.out().contains("expect    none written: every device enrolled (the default expectation)"),
                r.out());
        CliRun ok = CliRun.run("validate", good.toString());
        assertEquals(0, ok.exit(), ok.err());
        CliRun schema = CliRun.run("validate", "--schema");
        assertEquals(0, schema.exit());
        assertTrue(schema.out().contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""));
        assertEquals(2, CliRun.run("validate").exit());
    }
}
