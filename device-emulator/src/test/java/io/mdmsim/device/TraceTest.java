package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.TokenUpdate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-device traces (JSON lines with every message) and replaying a device from its trace. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TraceTest {

    /** The clock, the fake Apple and MDM, the PKI: fresh for each test, closed after it. */
    @RegisterExtension
    final DeviceTestWorld world = new DeviceTestWorld(START);

    private static final Instant START = Instant.parse("2025-03-03T09:00:00Z");

    private static DeviceSpec iphone(int i) {
        return new DeviceSpec(String.format("F2LXT1PQ%04d", i), "iPhone15,2", "iPhone 14 Pro", "17.5", "21F90");
    }

    private FleetConfig.Builder config(DeviceSpec... devices) {
        return FleetConfig.builder()
                .cloudConfigUrl(world.fake().cloudConfigUrl())
                .appleDeviceCa(world.pki().appleDeviceCa().identity())
                .devices(List.of(devices))
                .seed(5)
                .clock(world.clock())
                .idlePollInterval(Duration.ZERO)
                .keySource(TestKeys.SHARED);
    }

    private static Set<String> files(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void onlyDevicesThatDidNotEnrollKeepTheirTraceByDefault(@TempDir Path dir) throws Exception {
        world.fake().unassignedSerials = Set.of("F2LXT1PQ0002");
        FleetResult r = DeviceFleet.run(config(iphone(1), iphone(2)).traces(TraceOptions.failed(dir)).build());
        assertEquals(1, r.count(Outcome.ENROLLED));
        assertEquals(Set.of("F2LXT1PQ0002.jsonl"), files(dir));

        DeviceTrace t = DeviceTrace.read(dir.resolve("F2LXT1PQ0002.jsonl"));
        assertEquals("F2LXT1PQ0002", t.spec().serialNumber());
        assertEquals(5, t.seed());
        assertEquals(r.devices().get(1).device().udid(), t.udid());
        assertEquals(world.fake().cloudConfigUrl(), t.cloudConfigUrl());
        List<JsonNode> http = t.linesOf("http");
        assertEquals(1, http.size());
        JsonNode x = http.getFirst();
        assertEquals("CLOUD_CONFIG", x.path("stage").asText());
        assertEquals(START.toString(), x.path("at").asText());
        assertTrue(x.path("realMs").isNumber());
        assertEquals("application/pkcs7-signature", x.path("request").path("headers").path("Content-Type").asText());
        // the CMS request is binary: base64; the 404 answer is text
        byte[] cms = Base64.getDecoder().decode(x.path("request").path("body").path("base64").asText());
        assertEquals(x.path("request").path("body").path("bytes").asInt(), cms.length);
        assertEquals(0x30, cms[0] & 0xff);
        assertEquals(404, x.path("response").path("status").asInt());
        assertTrue(x.path("response").path("body").path("text").asText().contains("is not assigned"));
        assertEquals("NOT_ASSIGNED at CLOUD_CONFIG: " + r.devices().get(1).reason(), t.outcome());
    }

    @Test
    void allModeTracesEveryMessageWithRawPlistsHeadersAndStatus(@TempDir Path dir) throws Exception {
        FleetResult r = DeviceFleet.run(config(iphone(3)).traces(TraceOptions.all(dir)).build());
        assertTrue(r.allEnrolled(), r.summary());
        DeviceTrace t = DeviceTrace.read(dir.resolve("F2LXT1PQ0003.jsonl"));
        assertEquals("ENROLLED", t.outcome());
        List<String> stages = t.exchanges().stream().map(DeviceTrace.Exchange::stage).distinct().toList();
        assertEquals(List.of("CLOUD_CONFIG", "MACHINE_INFO", "SCEP", "AUTHENTICATE", "TOKEN_UPDATE",
                "AWAITING_CONFIGURATION"), stages);
        List<String> paths = t.exchanges().stream().map(e -> e.method() + " " + e.url().getPath()).toList();
        assertEquals(List.of("POST /cloudconfig", "POST /mdm/enroll", "GET /scep", "GET /scep", "POST /scep",
                "PUT /mdm/checkin", "PUT /mdm/checkin", "PUT /mdm/connect", "PUT /mdm/connect", "PUT /mdm/connect"),
                paths);
        // the TokenUpdate as sent: an XML plist, signed
        JsonNode tokenUpdate = t.linesOf("http").get(6);
        String sent = tokenUpdate.path("request").path("body").path("text").asText();
        assertEquals(world.fake().tokenUpdates().getFirst(), CheckinCodec.decode(sent.getBytes(StandardCharsets.UTF_8)));
        assertFalse(tokenUpdate.path("request").path("headers").path("Mdm-Signature").asText().isEmpty());
        assertEquals(200, tokenUpdate.path("response").path("status").asInt());
        // the PKIOperation request is the binary pkiMessage the SCEP server got
        JsonNode scep = t.linesOf("http").get(4);
        assertArrayEquals(world.fake().scepRequests.getFirst().raw(),
                Base64.getDecoder().decode(scep.path("request").path("body").path("base64").asText()));
        assertEquals("application/x-pki-message", scep.path("response").path("headers").path("content-type").asText());
        // the commands as received, and the device's answers
        JsonNode firstCommand = t.linesOf("http").get(7).path("response").path("body").path("text");
        assertTrue(firstCommand.asText().contains("<string>DeviceInformation</string>"));
        assertTrue(t.result().path("totalMs").isNumber());
    }

    @Test
    void aLongTraceSpillsToItsFileAndStaysComplete(@TempDir Path small, @TempDir Path big) throws Exception {
        DeviceFleet.run(config(iphone(4)).traces(new TraceOptions(small, TraceOptions.Mode.ALL, 4096)).build());
        world.restartFake();
        DeviceFleet.run(config(iphone(4)).cloudConfigUrl(world.fake().cloudConfigUrl()).traces(TraceOptions.all(big)).build());
        DeviceTrace a = DeviceTrace.read(small.resolve("F2LXT1PQ0004.jsonl"));
        DeviceTrace b = DeviceTrace.read(big.resolve("F2LXT1PQ0004.jsonl"));
        assertEquals(b.lines().size(), a.lines().size());
        assertTrue(DeviceReplay.compare(a, b).same(), DeviceReplay.compare(a, b).summary());
    }

    @Test
    void aReplayRunsTheSameDeviceAgainAndSaysWhereItWentAnotherWay(@TempDir Path recorded, @TempDir Path replayed)
            throws Exception {
        world.fake().scepMode = FakeAppleAndMdm.ScepMode.FAILURE;
        FleetResult first = DeviceFleet.run(config(iphone(5)).traces(TraceOptions.failed(recorded)).build());
        assertEquals(Outcome.FAILED, first.devices().getFirst().outcome());
        DeviceTrace trace = DeviceTrace.read(recorded.resolve("F2LXT1PQ0005.jsonl"));
        assertTrue(trace.outcome().startsWith("FAILED at SCEP: The SCEP server returned an invalid response"),
                trace.outcome());

        // the server is fixed; the device, from its trace alone, runs again
        world.fake().scepMode = FakeAppleAndMdm.ScepMode.SUCCESS;
        FleetResult again = DeviceFleet.run(DeviceReplay.config(trace, null, world.pki().appleDeviceCa().identity())
                .clock(world.clock()).keySource(TestKeys.SHARED).traces(TraceOptions.all(replayed)).build());
        assertTrue(again.allEnrolled(), again.summary());
        assertEquals(first.devices().getFirst().device(), again.devices().getFirst().device(), "same UDID and serial");
        DeviceTrace second = DeviceTrace.read(replayed.resolve("F2LXT1PQ0005.jsonl"));
        DeviceReplay.Comparison c = DeviceReplay.compare(trace, second);
        assertFalse(c.same());
        assertEquals(5, c.recordedExchanges());
        assertEquals(10, c.replayedExchanges());
        assertTrue(c.summary().startsWith("the first 5 exchanges match; the recording has 5, the replay 10"
                + " (recorded outcome FAILED at SCEP"), c.summary());

        // replayed against a server that refuses check-ins: the first difference is named
        world.fake().checkinRefusalStatus = 403;
        Path third = Files.createTempDirectory(replayed, "third");
        DeviceFleet.run(DeviceReplay.config(second, null, world.pki().appleDeviceCa().identity())
                .clock(world.clock()).keySource(TestKeys.SHARED).traces(TraceOptions.all(third)).build());
        DeviceReplay.Comparison d = DeviceReplay.compare(second, DeviceTrace.read(third.resolve("F2LXT1PQ0005.jsonl")));
        assertTrue(d.summary().startsWith("exchange 6 differs: recorded PUT /mdm/checkin -> 200 at AUTHENTICATE,"
                + " replayed PUT /mdm/checkin -> 403 at AUTHENTICATE"), d.summary());
        assertEquals(TokenUpdate.class, world.fake().tokenUpdates().getFirst().getClass());
    }

    @Test
    void theTraceCarriesTheDevicesKnobsSoAReplayBehavesTheSame(@TempDir Path dir) throws Exception {
        Behaviour knobs = Behaviour.builder().userDomain("corp.example").commandFault("InstallApplication", 0.25, 0.5)
                .networkRetries(5).dropTimeout(Duration.ofSeconds(7)).build();
        FleetResult r = DeviceFleet.run(config().addDevice(iphone(6), knobs).traces(TraceOptions.all(dir)).build());
        assertTrue(r.allEnrolled(), r.summary());
        DeviceTrace t = DeviceTrace.read(dir.resolve("F2LXT1PQ0006.jsonl"));
        assertEquals(knobs, t.behaviour());
        assertEquals(knobs, DeviceReplay.config(t, null, world.pki().appleDeviceCa().identity()).build().behaviour(0));
    }

    @Test
    void aFileThatIsNotATraceIsRefusedWithItsLine(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        assertEquals(empty + ": empty (expected: a device trace, JSON lines)",
                assertThrows(IllegalArgumentException.class, () -> DeviceTrace.read(empty)).getMessage());
        Path wrong = Files.writeString(dir.resolve("wrong.jsonl"), "{\"type\":\"http\"}\n");
        assertEquals(wrong + ":1: type \"http\", format missing (expected: the \"device\" line of trace"
                + " format 1)", assertThrows(IllegalArgumentException.class, () -> DeviceTrace.read(wrong)).getMessage());
        Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"type\":\"device\",\"format\":1,"
                + "\"serialNumber\":\"S\",\"productType\":\"iPhone15,2\",\"model\":\"m\",\"osVersion\":\"17.5\","
                + "\"buildVersion\":\"b\",\"seed\":1,\"cloudConfigUrl\":\"http://x/cloudconfig\"}\n{oops\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceTrace.read(broken)).getMessage()
                .startsWith(broken + ":2: not JSON ("));
        Path noResult = Files.writeString(dir.resolve("cut.jsonl"), Files.readString(broken).split("\n")[0] + "\n");
        assertNull(DeviceTrace.read(noResult).result());
        assertEquals("no result (the trace ends early)", DeviceTrace.read(noResult).outcome());
    }
}
