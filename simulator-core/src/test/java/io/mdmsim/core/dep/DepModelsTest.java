package io.mdmsim.core.dep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.testing.DepSchemas;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DepModelsTest {

    private static final Instant T = Instant.parse("2018-09-08T16:49:09Z");

    private static DepDevice device(String serial) {
        return DepDevice.builder(serial, "iPhone 15 Pro").description("IPHONE 15 PRO BLACK TITANIUM 256GB-USA")
                .color("BLACK TITANIUM").os("iOS").deviceFamily("iPhone").profileStatus(ProfileStatus.ASSIGNED)
                .profileUuid("88D7A0FB9E37C1B3F1E7C3B1D20A7EAD").profileAssignTime(T).deviceAssignedDate(T)
                .deviceAssignedBy("admin@example.com").assetTag("A-1").build();
    }

    private static <T> T read(String json, Class<T> type) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    @Test
    void deviceSerializesInSnakeCaseWithoutNullsAndMatchesDeviceJson() {
        String json = DepSchemas.assertValid("Device.json", device("C02XK1JHJGH5"));
        assertEquals("{\"serial_number\":\"C02XK1JHJGH5\",\"model\":\"iPhone 15 Pro\",\"description\":\"IPHONE 15 PRO "
                + "BLACK TITANIUM 256GB-USA\",\"color\":\"BLACK TITANIUM\",\"asset_tag\":\"A-1\",\"os\":\"iOS\","
                + "\"device_family\":\"iPhone\",\"profile_status\":\"assigned\",\"profile_uuid\":"
                + "\"88D7A0FB9E37C1B3F1E7C3B1D20A7EAD\",\"profile_assign_time\":\"2018-09-08T16:49:09Z\","
                + "\"device_assigned_date\":\"2018-09-08T16:49:09Z\",\"device_assigned_by\":\"admin@example.com\"}", json);
        DepSchemas.assertValid("Device.json", device("X").withOp(OpType.DELETED, T).toBuilder()
                .profilePushTime(T).mdmMigrationDeadline(T).responseStatus("SUCCESS").build());
        assertEquals(device("C02XK1JHJGH5"), read(json, DepDevice.class));
    }

    @Test
    void fetchAndSyncShapesMatchTheirSchemas() {
        DepSchemas.assertValid("FetchDeviceRequest.json", new FetchDevicesRequest(null, 100));
        DepSchemas.assertValid("FetchDeviceRequest.json", new FetchDevicesRequest("MDowOjE1MzY0Mjc2OTg5MTQ6", 1000));
        DepSchemas.assertValid("SyncDeviceRequest.json", new SyncDevicesRequest("MDowOjE1MzY0Mjc2OTg5MTQ6", null));
        FetchDevicesResponse page = new FetchDevicesResponse(List.of(device("A"), device("B").withOp(OpType.ADDED, T)),
                "MDowOjE1MzY0Mjc2OTg5MTQ6MTUzNjQyNzY5ODkxNDoxMDAw", T, true);
        String json = DepSchemas.assertValid("FetchDeviceResponse.json", page);
        assertEquals(page, read(json, FetchDevicesResponse.class));
        // An empty last page still carries the required keys, more_to_follow=false included.
        String empty = DepSchemas.assertValid("FetchDeviceResponse.json",
                new FetchDevicesResponse(List.of(), "c", T, false));
        assertEquals("{\"devices\":[],\"cursor\":\"c\",\"fetched_until\":\"2018-09-08T16:49:09Z\",\"more_to_follow\":false}",
                empty);
    }

    @Test
    void profileCoversEveryFieldOfProfileJson() {
        DepProfile profile = DepProfile.builder().profileName("mdmsim").url("https://mdm.example/mdm/enroll")
                .configurationWebUrl("https://mdm.example/web").allowPairing(true).isSupervised(true)
                .isMandatory(true).isMdmRemovable(false).awaitDeviceConfigured(true).autoAdvanceSetup(false)
                .isMultiUser(false).isReturnToService(false).doNotUseProfileFromBackup(true).department("IT")
                .orgMagic("913FABBB-0032-4E13-9966-D6BBAC900331").supportPhoneNumber("+1 555 0100")
                .supportEmailAddress("help@example.com").language("en").region("US")
                .anchorCerts(List.of("MIIB...")).supervisingHostCerts(List.of("MIIC...")).skipSetupItems(
                        List.of("Location", "Restore", "Android", "AppleID", "TOS", "Siri", "Diagnostics"))
                .devices(List.of("C02XK1JHJGH5")).profileUuid("88D7A0FB9E37C1B3F1E7C3B1D20A7EAD").build();
        String json = DepSchemas.assertValid("Profile.json", profile);
        assertTrue(json.contains("\"is_mdm_removable\":false"), json);
        assertTrue(json.contains("\"do_not_use_profile_from_backup\":true"), json);
        assertTrue(json.contains("\"configuration_web_url\":\"https://mdm.example/web\""), json);
        assertEquals(profile, read(json, DepProfile.class));

        // Every property the schema declares is one the record writes.
        var declared = new java.util.TreeSet<String>();
        Json.MAPPER.valueToTree(profile).fieldNames().forEachRemaining(declared::add);
        assertEquals(schemaProperties("Profile.json"), declared);
    }

    @Test
    void deviceCoversEveryFieldOfDeviceJson() {
        DepDevice full = device("A").withOp(OpType.MODIFIED, T).toBuilder().profilePushTime(T)
                .mdmMigrationDeadline(T).responseStatus("SUCCESS").build();
        var written = new java.util.TreeSet<String>();
        Json.MAPPER.valueToTree(full).fieldNames().forEachRemaining(written::add);
        assertEquals(schemaProperties("Device.json"), written);
    }

    private static java.util.Set<String> schemaProperties(String file) {
        try {
            var node = Json.MAPPER.readTree(DepSchemas.schemaDir().resolve(file).toFile());
            var names = new java.util.TreeSet<String>();
            node.get("properties").fieldNames().forEachRemaining(names::add);
            return names;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void profileWithoutTheRequiredKeysFailsTheSchema() {
        List<String> problems = DepSchemas.strictErrors("Profile.json",
                Json.writeString(DepProfile.builder().profileName("x").build()));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("is_mdm_removable")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("org_magic")), problems.toString());
    }

    @Test
    void profileResponsesMatchTheirSchemas() {
        DepSchemas.assertValid("DefineProfileResponse.json", new DefineProfileResponse("88D7A0FB",
                Map.of("A", DeviceResult.SUCCESS, "B", DeviceResult.NOT_ACCESSIBLE, "C", DeviceResult.FAILED)));
        DepSchemas.assertValid("ProfileServiceRequest.json", new AssignProfileRequest("88D7A0FB", List.of("A", "B")));
        String assigned = DepSchemas.assertValid("AssignProfileResponse.json", new AssignProfileResponse("88D7A0FB",
                Map.of("A", DeviceResult.SUCCESS, "B", DeviceResult.THROTTLED), 60));
        assertTrue(assigned.contains("\"retry_after_seconds\":60"), assigned);
        assertTrue(assigned.contains("\"B\":\"THROTTLED\""), assigned);
        DepSchemas.assertValid("ClearProfileRequest.json", new ClearProfileRequest(List.of("A"), null));
        DepSchemas.assertValid("ClearProfileResponse.json",
                new ClearProfileResponse(Map.of("A", DeviceResult.SUCCESS, "B", DeviceResult.NOT_ACCESSIBLE)));
        // THROTTLED is an assign-only result: the clear schema rejects it.
        assertFalse(DepSchemas.errors("ClearProfileResponse.json",
                Json.writeString(new ClearProfileResponse(Map.of("A", DeviceResult.THROTTLED)))).isEmpty());
        DepSchemas.assertValid("DeviceListRequest.json", new DeviceListRequest(List.of("A", "B")));
        DepSchemas.assertValid("DeviceListResponse.json", new DeviceListResponse(Map.of("A",
                device("A").toBuilder().responseStatus("SUCCESS").build())));
    }

    @Test
    void accountDetailMatchesItsSchemaWithUrlsAndLimits() {
        AccountDetail account = new AccountDetail("mdmsim MDM", "677cd2c7-2ea4-4b6e-8ac4-7b6b1f0c0f0a",
                "admin@example.com", "admin@example.com", "Example Org", "it@example.com", "+1 555 0100",
                "1 Infinite Loop, Cupertino", "100000", "8a1b2c3d", "org", "v1", List.of(
                        new AccountDetail.Url("/server/devices", List.of("POST"), new AccountDetail.Limit(100, 1000)),
                        new AccountDetail.Url("/profile/devices", List.of("POST", "PUT", "DELETE"),
                                new AccountDetail.Limit(1000, 1000))));
        String json = DepSchemas.assertValid("AccountDetail.json", account);
        assertTrue(json.contains("\"limit\":{\"default\":100,\"maximum\":1000}"), json);
        assertTrue(json.contains("\"http_method\":[\"POST\",\"PUT\",\"DELETE\"]"), json);
        assertEquals(account, read(json, AccountDetail.class));
    }

    @Test
    void sessionResponseIsTheAuthSessionToken() {
        assertEquals("{\"auth_session_token\":\"87a235815b8d6661ac73329f75815b8d6661ac73329f815\"}",
                Json.writeString(new SessionResponse("87a235815b8d6661ac73329f75815b8d6661ac73329f815")));
        assertEquals("tok", read("{\"auth_session_token\":\"tok\"}", SessionResponse.class).authSessionToken());
    }

    // --- the sample shapes of Apple's "Device assignment" pages, as a client receives them ---

    @Test
    void readsAnAccountResponse() {
        AccountDetail a = read("""
                {"server_name":"Example MDM","server_uuid":"677cd2c7-2ea4","facilitator_id":"f@example.com",
                 "admin_id":"admin@example.com","org_name":"Example","org_email":"it@example.com",
                 "org_phone":"555-0100","org_address":"1 Main St","org_id":"100000","org_id_hash":"abc",
                 "org_type":"edu","org_version":"v2",
                 "urls":[{"uri":"/server/devices","http_method":["POST"],"limit":{"default":1000,"maximum":5000}},
                         {"uri":"/devices/sync","http_method":["POST"],"limit":{"default":1000,"maximum":5000}}]}
                """, AccountDetail.class);
        assertEquals("Example MDM", a.serverName());
        assertEquals("edu", a.orgType());
        assertEquals(5000, a.urls().get(0).limit().maximum());
        assertEquals(1000, a.urls().get(1).limit().defaultValue());
        assertEquals(List.of("POST"), a.urls().get(1).httpMethod());
    }

    @Test
    void readsFetchAndSyncResponses() {
        FetchDevicesResponse fetch = read("""
                {"devices":[{"serial_number":"C8TJ500QF1MN","model":"IPAD","description":"IPAD WI-FI 16GB",
                  "color":"black","asset_tag":"233","profile_status":"empty","device_assigned_date":"2013-11-01T16:13:32Z",
                  "device_assigned_by":"test@example.com","os":"iPadOS","device_family":"iPad"}],
                 "cursor":"MDowOjE1MzY0Mjc2OTg5MTQ6","fetched_until":"2018-09-08T16:49:09Z","more_to_follow":false}
                """, FetchDevicesResponse.class);
        DepDevice d = fetch.devices().get(0);
        assertEquals("C8TJ500QF1MN", d.serialNumber());
        assertEquals(ProfileStatus.EMPTY, d.profileStatus());
        assertEquals(Instant.parse("2013-11-01T16:13:32Z"), d.deviceAssignedDate());
        assertNull(d.opType());
        assertFalse(fetch.moreToFollow());

        FetchDevicesResponse sync = read("""
                {"devices":[{"serial_number":"C8TJ500QF1MN","model":"IPAD","op_type":"modified",
                  "op_date":"2018-09-08T16:49:09Z","profile_status":"pushed","profile_uuid":"88D7",
                  "profile_push_time":"2018-09-08T16:49:09Z"}],
                 "cursor":"MTUzNjQy","fetched_until":"2018-09-08T16:49:09Z","more_to_follow":true}
                """, FetchDevicesResponse.class);
        assertEquals(OpType.MODIFIED, sync.devices().get(0).opType());
        assertEquals(ProfileStatus.PUSHED, sync.devices().get(0).profileStatus());
        assertTrue(sync.moreToFollow());
    }

    @Test
    void readsProfileDefineAssignClearAndDetailsResponses() {
        DefineProfileResponse defined = read("{\"profile_uuid\":\"88D7\",\"devices\":{\"A\":\"SUCCESS\","
                + "\"B\":\"NOT_ACCESSIBLE\"}}", DefineProfileResponse.class);
        assertEquals(DeviceResult.NOT_ACCESSIBLE, defined.devices().get("B"));

        AssignProfileResponse assigned = read("{\"profile_uuid\":\"88D7\",\"devices\":{\"A\":\"SUCCESS\","
                + "\"B\":\"THROTTLED\"},\"retry_after_seconds\":120}", AssignProfileResponse.class);
        assertEquals(DeviceResult.THROTTLED, assigned.devices().get("B"));
        assertEquals(120, assigned.retryAfterSeconds());

        ClearProfileResponse cleared = read("{\"devices\":{\"A\":\"FAILED\"}}", ClearProfileResponse.class);
        assertEquals(DeviceResult.FAILED, cleared.devices().get("A"));

        DeviceListResponse details = read("{\"devices\":{\"A\":{\"serial_number\":\"A\",\"model\":\"IPHONE\","
                + "\"response_status\":\"SUCCESS\"}}}", DeviceListResponse.class);
        assertEquals("SUCCESS", details.devices().get("A").responseStatus());

        DepProfile fetched = read("""
                {"profile_name":"Test Profile","url":"https://mdm.example.com/enroll","allow_pairing":true,
                 "is_supervised":true,"is_mandatory":true,"await_device_configured":true,"is_mdm_removable":false,
                 "department":"IT","org_magic":"913FABBB","support_phone_number":"555-0100",
                 "support_email_address":"help@example.com","anchor_certs":[],"supervising_host_certs":[],
                 "skip_setup_items":["Location","Restore"],"profile_uuid":"88D7"}
                """, DepProfile.class);
        assertEquals(Boolean.TRUE, fetched.isSupervised());
        assertEquals(Boolean.FALSE, fetched.isMdmRemovable());
        assertEquals(List.of("Location", "Restore"), fetched.skipSetupItems());
        assertEquals("88D7", fetched.profileUuid());
    }

    @Test
    void requestsAsTheFakeServiceReceivesThem() {
        assertEquals(new FetchDevicesRequest(null, 100), read("{\"limit\":100}", FetchDevicesRequest.class));
        assertEquals(new SyncDevicesRequest("c", null), read("{\"cursor\":\"c\"}", SyncDevicesRequest.class));
        assertEquals(new AssignProfileRequest("p", List.of("A")),
                read("{\"profile_uuid\":\"p\",\"devices\":[\"A\"]}", AssignProfileRequest.class));
        assertEquals(new ClearProfileRequest(List.of("A"), null), read("{\"devices\":[\"A\"]}", ClearProfileRequest.class));
    }

    @Test
    void unknownEnumValuesAndWrongTypesAreReadable400s() {
        HttpError badStatus = assertThrows(HttpError.class, () -> read(
                "{\"serial_number\":\"A\",\"model\":\"M\",\"profile_status\":\"gone\"}", DepDevice.class));
        assertEquals(400, badStatus.status());
        assertTrue(badStatus.getMessage().contains("($.profile_status)"), badStatus.getMessage());
        assertTrue(badStatus.getMessage().contains("ProfileStatus: gone (expected one of: empty, assigned, pushed, removed)"),
                badStatus.getMessage());

        HttpError badLimit = assertThrows(HttpError.class, () -> read("{\"limit\":\"lots\"}", FetchDevicesRequest.class));
        assertTrue(badLimit.getMessage().startsWith("invalid JSON for FetchDevicesRequest at line 1, column 10 ($.limit): "),
                badLimit.getMessage());

        HttpError missingSerial = assertThrows(HttpError.class, () -> read("{\"model\":\"M\"}", DepDevice.class));
        assertTrue(missingSerial.getMessage().contains("serialNumber"), missingSerial.getMessage());
    }

    @Test
    void enumsMapWireValuesBothWays() {
        for (ProfileStatus s : ProfileStatus.values()) {
            assertEquals(s, ProfileStatus.fromWire(s.wire()));
        }
        assertEquals("empty", ProfileStatus.EMPTY.wire());
        assertEquals(OpType.DELETED, OpType.fromWire("deleted"));
        assertEquals("NOT_ACCESSIBLE", DeviceResult.NOT_ACCESSIBLE.wire());
        DepException e = assertThrows(DepException.class, () -> OpType.fromWire("renamed"));
        assertEquals("OpType: renamed (expected one of: added, modified, deleted)", e.getMessage());
    }
}
