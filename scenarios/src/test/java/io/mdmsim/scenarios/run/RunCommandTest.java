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
    void theClosedAndTheRampingLoadModelsRunEveryDevice() throws IOException {
        for (String load : new String[] {"{model: constant-devices, devices: 2}",
                "{model: ramping-arrival-rate, stages: [{target: 60, duration: 1m}, {target: 60, duration: 1m}]}"}) {
            Path f = write("load.yaml", """
                    seed: 12
                    clock: manual
                    populations: [{name: phones, count: 4, models: iPhone, os: "17"}]
                    fleet: {keyPool: 2}
                    load: %s
                    expect:
                      - {devices: started, threshold: count == 4}
                      - {outcome: enrolled, threshold: rate == 1}
                    """.formatted(load));
            CliRun r = CliRun.run("run", f.toString(), "--out", dir.resolve("load").toString(), "--quiet");
            assertEquals(0, r.exit(), load + "\n" + r.out() + r.err());
        }
    }

    @Test
    void devicesEnrollOverTheAirIntoASystemUnderTestAtItsUrl() throws IOException {
        io.mdmsim.core.time.SimClock clock = io.mdmsim.core.time.SimClock.system();
        io.mdmsim.core.pki.SimPki pki = io.mdmsim.core.pki.SimPki.create(clock.now());
        try (io.mdmsim.mdm.MdmServer sut = io.mdmsim.mdm.MdmServer.start(io.mdmsim.mdm.MdmConfig.builder()
                .clock(clock).seed(3).scepCa(pki.scepCa().identity()).build())) {
            Path f = write("sut.yaml", """
                    seed: 14
                    clock: wall
                    deadline: 5m
                    world:
                      mdm: {url: "%s"}
                    populations: [{name: phones, count: 2, models: iPhone, os: "17", enrollment: ota}]
                    fleet: {keyPool: 2, push: false}
                    expect:
                      - {outcome: enrolled, threshold: rate == 1}
                    """.formatted(sut.baseUri()));
            CliRun r = CliRun.run("run", f.toString(), "--out", dir.resolve("sut").toString());
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("MDM            " + sut.baseUri() + " (system under test)"), r.out());
            assertEquals(2, new io.mdmsim.scenarios.quickstart.AdminClient("MDM", sut.baseUri(), sut.adminToken())
                    .getJson("/admin/devices").size(), "the devices are in the system under test");
        }
        Path bad = write("sut-bad.yaml", """
                world:
                  mdm:
                    url: https://mdm.example.test
                    policy: {deviceTypeRestrictions: {ios: blocked}}
                actions:
                  - {at: 1m, sync: {mdmServer: MDM Server}}
                """);
        CliRun v = CliRun.run("validate", bad.toString());
        assertEquals(2, v.exit());
        assertTrue(v.err().contains(bad + ":4:5: world.mdm.policy: only for the reference MDM (expected: no policy"
                + " with world.mdm.url; configure your MDM yourself)"), v.err());
        assertTrue(v.err().contains(bad + ":6:14: actions[0].sync: sync drives the reference MDM's admin API"), v.err());
    }

    @Test
    void aRealMdmSyncsFromTheFakeAbmWithTheTokenTheRunWritesForIt() throws Exception {
        io.mdmsim.core.time.SimClock clock = io.mdmsim.core.time.SimClock.system();
        io.mdmsim.core.pki.SimPki pki = io.mdmsim.core.pki.SimPki.create(clock.now());
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        java.net.URI abm = java.net.URI.create("http://127.0.0.1:" + port);
        // the MDM under test: it knows the fake ABM only as a DEP URL, as a real MDM would
        try (io.mdmsim.mdm.MdmServer sut = io.mdmsim.mdm.MdmServer.start(io.mdmsim.mdm.MdmConfig.builder()
                .clock(clock).seed(4).scepCa(pki.scepCa().identity()).depBaseUrl(abm).build())) {
            io.mdmsim.scenarios.quickstart.AdminClient sutAdmin = new io.mdmsim.scenarios.quickstart.AdminClient(
                    "MDM under test", sut.baseUri(), sut.adminToken());
            Files.writeString(dir.resolve("sut.pem"), sutAdmin.getText("/admin/dep/public-key"));
            Path token = dir.resolve("token.p7m");
            Path f = write("real-sync.yaml", """
                    seed: 15
                    clock: x10
                    world:
                      abm:
                        port: %d
                        devices: 6
                        mdmServers: [{name: Under test, certificate: sut.pem, tokenOut: token.p7m}]
                      mdm: {url: "%s"}
                    actions:
                      - {at: 3m, name: the end, clearFaults: abm}
                    expect:
                      - {dep: delivered, mdmServer: Under test, threshold: count >= 6}
                    """.formatted(port, sut.baseUri()));
            // the admin of the MDM under test uploads the token the run writes, as they would one from ABM
            Thread uploader = Thread.ofVirtual().start(() -> {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> Files.isRegularFile(token) && Files.size(token) > 0);
                try {
                    sutAdmin.postBytes("/admin/dep/tokens?appleId=admin%40example.com", Files.readAllBytes(token),
                            "application/pkcs7-mime");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CliRun r = CliRun.run("run", f.toString(), "--out", dir.resolve("real-sync").toString());
            uploader.join();
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("MDM server Under test: 6 devices assigned; its token for your MDM is in "
                    + token), r.out());
            assertEquals(6, sutAdmin.getJson("/admin/dep/tokens").path(0).path("devices").asInt(),
                    "the MDM under test synced the devices from the fake ABM");
        }
    }

    @Test
    void faultsInjectedAndClearedByActions() throws IOException {
        Path f = write("faults.yaml", """
                seed: 16
                clock: manual
                world: {abm: {devices: 5}}
                actions:
                  - {at: 1m, name: ABM down, fault: {abm: {endpoint: /devices/sync, errorRate: 1, status: 503}}}
                  - {at: 2m, name: sync while ABM is down, sync: {mdmServer: MDM Server}}
                  - {at: 3m, name: ABM back, clearFaults: abm}
                  - {at: 20m, name: sync after, sync: {mdmServer: MDM Server}}
                  - {at: 21m, name: APNs down, fault: {apns: {reason: ServiceUnavailable, rate: 1}}}
                  - {at: 22m, name: ABM throttled, fault: {abmThrottling: {requestsPerSecond: 1}}}
                expect:
                  - {action: sync while ABM is down, result: failed, threshold: count == 1}
                  - {action: sync after, result: accepted, threshold: count == 1}
                  - {action: APNs down, result: accepted, threshold: count == 1}
                  - {action: ABM throttled, result: accepted, threshold: count == 1}
                """);
        CliRun r = CliRun.run("run", f.toString(), "--out", dir.resolve("faults").toString(), "--quiet");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("sync while ABM is down: failed ("), r.out());
    }

    @Test
    void policyRetireAndAssignActions() throws IOException {
        Path f = write("lifecycle.yaml", """
                seed: 17
                clock: manual
                deadline: 2h
                world:
                  abm:
                    devices: 8
                    mdmServers: [{name: MDM Server, assign: 4}]
                populations: [{name: phones, count: 2, models: iPhone}]
                fleet: {keyPool: 2, lifetime: 1h}
                actions:
                  - {at: 1m, name: block iOS, setPolicy: {deviceTypeRestrictions: {ios: blocked}}}
                  - {at: 2m, name: retire the phones, retire: {population: phones}}
                  - {at: 3m, name: assign two more, assign: {mdmServer: MDM Server, count: 2}}
                expect:
                  - {outcome: enrolled, threshold: rate == 1}
                  - {action: block iOS, threshold: count == 1}
                  - {management: retired, threshold: count == 2}
                  - {action: assign two more, threshold: count == 1}
                  - {name: the MDM has the phones checked out, mdmDevice: enrollmentState, matches: CHECKED_OUT,
                     threshold: rate == 1}
                """);
        CliRun r = CliRun.run("run", f.toString(), "--out", dir.resolve("lifecycle").toString(), "--quiet");
        assertEquals(0, r.exit(), r.out() + r.err());
    }

    @Test
    void anInvalidFileExits2WithFileLineColumn() throws IOException {
        Path f = write("invalid.yaml", "populations:\n  - count: two\n");
        CliRun r = CliRun.run("run", f.toString());
        assertEquals(2, r.exit());
        assertEquals(f + ":2:5: populations[0].count: 'two' (expected: a whole number)\n", r.err());
    }

    @Test
    void aReportFolderThatCannotBeCreatedIsBadUsageBeforeTheRun() throws IOException {
        Path f = write("ok.yaml", "clock: manual\npopulations: [{name: p, count: 1}]\n");
        Path file = write("a-file", "not a folder");
        CliRun r = CliRun.run("run", f.toString(), "--out", file.resolve("report").toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("mdmsim run: --out: " + file.resolve("report") + " cannot be created: "), r.err());
        assertTrue(r.err().contains("(expected: a folder this user can write)"), r.err());
        assertEquals("", r.out(), "nothing ran");
    }
}
