package io.mdmsim.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.scenarios.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'mdmsim run': exit 0 when every expectation is met, 1 when one is not (junit.xml says which), 2 for a bad file. */
class RunCommandTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aScenarioWhoseExpectationsAreMetExits0AndWritesItsReport() throws IOException {
        Path f = write("three.yaml", """
                seed: 5
                clock: manual
                populations:
                  - name: iphones
                    count: 3
                    models: iPhone
                    os: "17"
                fleet: {keyPool: 2}
                expect:
                  - outcome: enrolled
                    threshold: rate == 1
                  - stage: scep
                    threshold: count == 3
                """);
        Path out = dir.resolve("report");
        CliRun r = CliRun.run("run", f.toString(), "--out", out.toString(), "--quiet");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("✓ devices enrolled "), r.out());
        assertTrue(r.out().contains("observed 1 (3 of 3)"), r.out());
        assertTrue(r.out().contains("PASSED: every expectation met"), r.out());
        assertTrue(r.out().contains("seed      5 · clock manual"), r.out());
        for (String file : new String[] {"report.json", "report.html", "junit.xml", "timeseries.csv"}) {
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
            assertTrue(r.out().contains(out.resolve(file).toString()), "the summary names " + file);
        }
        assertTrue(!r.out().contains("running   "), "--quiet prints no progress");
    }

    @Test
    void aDeliberatelyUnmetExpectationExits1AndJunitShowsTheFailure() throws IOException {
        Path f = write("unmet.yaml", """
                seed: 5
                clock: manual
                populations: [{name: iphones, count: 2, models: iPhone, os: "17"}]
                fleet: {keyPool: 2}
                expect:
                  - name: more devices than there are
                    outcome: enrolled
                    threshold: count == 3
                """);
        Path out = dir.resolve("unmet");
        CliRun r = CliRun.run("run", f.toString(), "--out", out.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("✗ more devices than there are ") && r.out().contains("observed 2"), r.out());
        assertTrue(r.out().contains("FAILED: 1 of 1 expectations not met"), r.out());
        String junit = Files.readString(out.resolve("junit.xml"));
        assertTrue(junit.contains("failures=\"1\""), junit);
        assertTrue(junit.contains("name=\"more devices than there are\"") && junit.contains("<failure"), junit);
    }

    @Test
    void aProfileTheMdmRefusesIsAScenarioProblemAtItsPlaceExit2() throws IOException {
        Path f = write("bad-profile.yaml", """
                clock: manual
                world:
                  mdm:
                    tokens:
                      - mdmServer: MDM Server
                        profiles:
                          - name: shared on the wrong affinity
                            default: true
                            sharedIpad: true
                            userAffinity: WITH_USER
                populations: [{count: 1}]
                """);
        CliRun r = CliRun.run("run", f.toString(), "--out", dir.resolve("bad").toString(), "--quiet");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith(f + ":7:13: creating enrollment profile shared on the wrong affinity: the MDM"
                + " refused it: sharedIpad: true needs userAffinity WITHOUT_USER (was WITH_USER)"), r.err());
    }

    @Test
    void twoOrganizationsEachWithItsMdmServerAndDevices() throws IOException {
        Path f = write("orgs.yaml", """
                seed: 9
                clock: manual
                world:
                  abm:
                    organizations:
                      - {name: Contoso Retail}
                      - {name: Contoso Schools, orgType: edu}
                    mdmServers:
                      - {name: Retail MDM, organization: Contoso Retail, assign: all}
                      - {name: Schools MDM, organization: Contoso Schools, assign: all}
                  mdm:
                    tokens:
                      - {mdmServer: Retail MDM}
                      - {mdmServer: Schools MDM}
                populations:
                  - {name: shops, count: 2, models: iPhone, os: "17"}
                  - {name: classrooms, count: 2, models: iPad, os: "17", organization: Contoso Schools}
                fleet: {keyPool: 2}
                expect:
                  - {outcome: enrolled, population: shops, threshold: rate == 1}
                  - {outcome: enrolled, population: classrooms, threshold: rate == 1}
                """);
        CliRun r = CliRun.run("run", f.toString(), "--out", dir.resolve("orgs").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("(MDM server Retail MDM): 2 devices synced"), r.out());
        assertTrue(r.out().contains("(MDM server Schools MDM): 2 devices synced"), r.out());
    }

    @Test
    void anInvalidFileExits2WithFileLineColumn() throws IOException {
        Path f = write("invalid.yaml", "populations:\n  - count: two\n");
        CliRun r = CliRun.run("run", f.toString());
        assertEquals(2, r.exit());
        assertEquals(f + ":2:5: populations[0].count: 'two' (expected: a whole number)\n", r.err());
    }
}
