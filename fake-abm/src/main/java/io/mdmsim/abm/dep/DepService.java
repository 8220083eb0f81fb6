package io.mdmsim.abm.dep;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.settings.AbmSettings;
import io.mdmsim.abm.state.AbmProfile;
import io.mdmsim.abm.state.AbmState;
import io.mdmsim.abm.state.EventKey;
import io.mdmsim.abm.state.SeededRandom;
import io.mdmsim.core.dep.AccountDetail;
import io.mdmsim.core.dep.AssignProfileResponse;
import io.mdmsim.core.dep.ClearProfileResponse;
import io.mdmsim.core.dep.DefineProfileResponse;
import io.mdmsim.core.dep.DepDevice;
import io.mdmsim.core.dep.DepProfile;
import io.mdmsim.core.dep.ProfileRules;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.FetchDevicesResponse;
import io.mdmsim.core.dep.SessionResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Device Assignment ("DEP") web API (Apple's "Device assignment"; docs/fake-abm.md), without HTTP: each method
 * takes what the handler read from the request (the body parsed only after authorization) and returns the response
 * model, or throws {@link DepException} with Apple's status and code. Response shapes follow {@code
 * X-Server-Protocol-Version} (docs/fake-abm.md, X-Server-Protocol-Version).
 *
 * <p>It is a little over 400 lines: one method per DEP endpoint, each reading its request as Apple documents it;
 * authentication, cursors and rate limits are apart ({@link DepAuth}, {@link DepCursor}, {@link RateLimiter}).
 */
public final class DepService {

    /** The most serials one assign, clear, details or disown request may carry (AppleDoc:assign-profile). */
    static final int MAX_SERIALS = 1000;

    private static final Pattern ESCROW_KEY = Pattern.compile("[0-9A-Fa-f]{64}");
    private static final int MAX_USER_AGENT = 1024;

    /** What every call but /session carries. {@code protocolVersion} is 1 when the header is absent. */
    public record Call(String sessionToken, String userAgent, int protocolVersion) {
    }

    /** An authorized call: whose, which response shape, and the rotated session token if this call rotated it. */
    public record Caller(AbmState.ServerView server, int protocolVersion, String rotatedSession) {
    }

    private final FakeAbmConfig config;
    private final AbmState state;
    private final DepAuth auth;
    private final CursorCodec cursors;
    private final SeededRandom random;
    private final Supplier<AbmSettings.Values> settings;
    private final DepMetrics metrics;

    public DepService(FakeAbmConfig config, AbmState state, DepAuth auth, CursorCodec cursors, SeededRandom random,
            Supplier<AbmSettings.Values> settings, DepMetrics metrics) {
        this.config = requireNonNull(config, "config");
        this.state = requireNonNull(state, "state");
        this.auth = requireNonNull(auth, "auth");
        this.cursors = requireNonNull(cursors, "cursors");
        this.random = requireNonNull(random, "random");
        this.settings = requireNonNull(settings, "settings");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    // ---------------------------------------------------------------------------------------------- session

    public SessionResponse session(String userAgent, String authorization, List<URI> signedUris) {
        requireUserAgent(userAgent);
        return new SessionResponse(auth.openSession(authorization, "GET", signedUris));
    }

    /** Checks User-Agent and session; the first step of every call but /session. */
    public Caller authorize(Call call) {
        requireUserAgent(call.userAgent());
        DepAuth.Authorized a = auth.authorize(call.sessionToken());
        return new Caller(a.server(), call.protocolVersion(), a.rotatedSession());
    }

    // ---------------------------------------------------------------------------------------------- GET /account

    public AccountDetail account(Caller caller) {
        AbmState.ServerView server = caller.server();
        FakeAbmConfig.Organization org = server.organization();
        boolean v3 = caller.protocolVersion() >= 3;
        return new AccountDetail(server.name(), server.uuid(), org.adminId(), org.adminId(), org.name(),
                org.email(), org.phone(), org.address(), v3 ? org.orgId() : null, v3 ? sha256Hex(org.orgId()) : null,
                v3 ? org.orgType() : null, v3 ? org.orgVersion() : null, v3 ? urls() : null);
    }

    private List<AccountDetail.Url> urls() {
        AccountDetail.Limit paged = new AccountDetail.Limit(config.fetchLimitDefault(), config.fetchLimitMax());
        AccountDetail.Limit serials = new AccountDetail.Limit(MAX_SERIALS, MAX_SERIALS);
        return List.of(
                new AccountDetail.Url("/session", List.of("GET"), null),
                new AccountDetail.Url("/account", List.of("GET"), null),
                new AccountDetail.Url("/server/devices", List.of("POST"), paged),
                new AccountDetail.Url("/devices/sync", List.of("POST"), paged),
                new AccountDetail.Url("/devices", List.of("POST"), serials),
                new AccountDetail.Url("/devices/disown", List.of("POST"), serials),
                new AccountDetail.Url("/device/activationlock", List.of("POST"), null),
                new AccountDetail.Url("/profile", List.of("GET", "POST"), null),
                new AccountDetail.Url("/profile/devices", List.of("POST", "PUT", "DELETE"), serials));
    }

    // ---------------------------------------------------------------------------------------------- POST /server/devices

    public FetchDevicesResponse fetchDevices(Caller caller, Supplier<JsonNode> request) {
        AbmState.ServerView server = caller.server();
        JsonNode body = request.get();
        String cursorText = optionalText(body, "cursor");
        int limit = limit(body);
        Instant now = state.now();
        EventKey high;
        EventKey after;
        if (cursorText == null || cursorText.isEmpty()) {
            high = state.snapshot();
            after = EventKey.MIN;
        } else {
            DepCursor cursor = decode(cursorText, server, now);
            if (!(cursor instanceof DepCursor.Fetch f) || state.fetchExhausted(server.name(), f.high(), f.last())) {
                throw DepException.badRequest("EXHAUSTED_CURSOR",
                        "this cursor has already returned all devices; use it with POST /devices/sync");
            }
            high = f.high();
            after = f.last();
        }
        AbmState.FetchPage page = state.fetch(server.name(), high, after, limit);
        metrics.fetched(server.name(), now, page.devices().size());
        String next = cursors.encode(new DepCursor.Fetch(server.uuid(), high, page.last(), now));
        return new FetchDevicesResponse(devices(page.devices(), caller.protocolVersion()), next,
                time(high.instant()), page.moreToFollow());
    }

    // ---------------------------------------------------------------------------------------------- POST /devices/sync

    public FetchDevicesResponse syncDevices(Caller caller, Supplier<JsonNode> request) {
        AbmState.ServerView server = caller.server();
        JsonNode body = request.get();
        String cursorText = optionalText(body, "cursor");
        if (cursorText == null || cursorText.isEmpty()) {
            throw DepException.badRequest("CURSOR_REQUIRED", "sync needs the cursor of a previous fetch or sync");
        }
        int limit = limit(body);
        Instant now = state.now();
        DepCursor cursor = decode(cursorText, server, now);
        boolean exhausted = cursor instanceof DepCursor.Fetch f && state.fetchExhausted(server.name(), f.high(), f.last());
        AbmState.SyncPage page = state.sync(server.name(), cursor.syncFrom(exhausted), limit);
        metrics.fetched(server.name(), now, page.devices().size());
        String next = cursors.encode(new DepCursor.Sync(server.uuid(), page.position(), now));
        return new FetchDevicesResponse(devices(page.devices(), caller.protocolVersion()), next, time(now),
                page.moreToFollow());
    }

    // ---------------------------------------------------------------------------------------------- devices

    /**
     * POST /devices. Apple answers a serial the server can't see with {@code {"response_status":"NOT_ACCESSIBLE"}}
     * alone (no serial_number or model, although ADS Device.json marks them required).
     */
    public Map<String, Map<String, Object>> deviceDetails(Caller caller, Supplier<JsonNode> request) {
        List<String> serials = serials(request.get());
        Map<String, AbmState.DeviceView> views = state.details(caller.server().name(), serials);
        Map<String, Object> out = new LinkedHashMap<>();
        views.forEach((serial, v) -> out.put(serial, v == null ? Map.of("response_status", "NOT_ACCESSIBLE")
                : device(v, caller.protocolVersion()).toBuilder().responseStatus("SUCCESS").build()));
        return Map.of("devices", out);
    }

    /** POST /devices/disown (deprecated): the devices are released from the organization. */
    public ClearProfileResponse disown(Caller caller, Supplier<JsonNode> request) {
        return new ClearProfileResponse(state.disown(caller.server().name(), serials(request.get())));
    }

    /** POST /device/activationlock. */
    public Map<String, String> activationLock(Caller caller, Supplier<JsonNode> request) {
        JsonNode body = request.get();
        String serial = optionalText(body, "device");
        if (serial == null || serial.isBlank()) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY", "device is required (the serial number to lock)");
        }
        String escrowKey = optionalText(body, "escrow_key");
        if (escrowKey != null && !ESCROW_KEY.matcher(escrowKey).matches()) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY",
                    "escrow_key: expected 64 hex digits (the PBKDF2 hash of the bypass code, not the dashed code)");
        }
        optionalText(body, "lost_message");
        Map<String, String> out = new LinkedHashMap<>();
        out.put("serial_number", serial);
        out.put("response_status", state.activationLock(caller.server().name(), serial));
        return out;
    }

    // ---------------------------------------------------------------------------------------------- profiles

    public DefineProfileResponse defineProfile(Caller caller, Supplier<JsonNode> request) {
        AbmState.ServerView server = caller.server();
        JsonNode body = request.get();
        requireObject(body);
        String name = optionalText(body, "profile_name");
        String url = optionalText(body, "url");
        String webUrl = optionalText(body, "configuration_web_url");
        boolean supervised = flag(body, "is_supervised", false);
        boolean removable = flag(body, "is_mdm_removable", true);
        String department = optionalText(body, "department");
        String magic = optionalText(body, "org_magic");
        String phone = optionalText(body, "support_phone_number");
        String email = optionalText(body, "support_email_address");
        String language = optionalText(body, "language");
        String region = optionalText(body, "region");
        List<String> skip = strings(body, "skip_setup_items");
        List<String> anchors = strings(body, "anchor_certs");
        List<String> hostCerts = strings(body, "supervising_host_certs");
        // Apple's rules for the values, shared with the reference MDM (one copy in simulator-core)
        List<ProfileRules.Violation> violations = ProfileRules.violations(DepProfile.builder().profileName(name)
                .url(url).configurationWebUrl(webUrl).isSupervised(supervised).isMdmRemovable(removable)
                .department(department).orgMagic(magic).supportPhoneNumber(phone).supportEmailAddress(email)
                .language(language).region(region).skipSetupItems(skip).anchorCerts(anchors)
                .supervisingHostCerts(hostCerts).build());
        if (!violations.isEmpty()) {
            throw DepException.badRequest(violations.get(0).code(), violations.get(0).message());
        }
        List<String> serials = strings(body, "devices");
        if (serials.size() > MAX_SERIALS) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY",
                    "devices: " + serials.size() + " serial numbers (expected: at most " + MAX_SERIALS + ")");
        }
        AbmProfile profile = new AbmProfile(random.profileUuid(), name, url, webUrl, flag(body, "allow_pairing", true),
                supervised, flag(body, "is_mandatory", false), removable, flag(body, "await_device_configured", false),
                flag(body, "auto_advance_setup", false), flag(body, "is_multi_user", false),
                flag(body, "is_return_to_service", false), flag(body, "do_not_use_profile_from_backup", false),
                department, magic, phone, email, language, region, anchors, hostCerts, skip);
        state.defineProfile(server.name(), profile);
        Map<String, DeviceResult> results = serials.isEmpty() ? Map.of()
                : assign(caller, profile.profileUuid(), unique(serials)).devices();
        return new DefineProfileResponse(profile.profileUuid(), results);
    }

    public DepProfile profile(Caller caller, String profileUuid) {
        AbmState.ServerView server = caller.server();
        if (profileUuid == null || profileUuid.isBlank()) {
            throw DepException.badRequest("PROFILE_UUID_REQUIRED", "query parameter profile_uuid is required");
        }
        AbmProfile p = state.profile(server.name(), profileUuid);
        if (p == null) {
            throw new DepException(404, "NOT_FOUND", "no profile " + profileUuid + " on MDM server " + server.name());
        }
        boolean v2 = caller.protocolVersion() >= 2;
        return DepProfile.builder().profileUuid(p.profileUuid()).profileName(p.profileName()).url(p.url())
                .configurationWebUrl(p.configurationWebUrl()).allowPairing(p.allowPairing())
                .isSupervised(p.isSupervised()).isMandatory(p.isMandatory()).isMdmRemovable(p.isMdmRemovable())
                .awaitDeviceConfigured(v2 ? p.awaitDeviceConfigured() : null)
                .autoAdvanceSetup(v2 ? p.autoAdvanceSetup() : null)
                .isMultiUser(v2 ? p.isMultiUser() : null).isReturnToService(p.isReturnToService())
                .doNotUseProfileFromBackup(p.doNotUseProfileFromBackup()).department(p.department())
                // Profile.json requires org_magic; a profile defined without one reads back with an empty one
                .orgMagic(p.orgMagic() == null ? "" : p.orgMagic())
                .supportPhoneNumber(p.supportPhoneNumber())
                .supportEmailAddress(v2 ? p.supportEmailAddress() : null)
                .language(p.language()).region(p.region()).anchorCerts(p.anchorCerts())
                .supervisingHostCerts(p.supervisingHostCerts()).skipSetupItems(p.skipSetupItems()).build();
    }

    public AssignProfileResponse assignProfile(Caller caller, Supplier<JsonNode> request) {
        AbmState.ServerView server = caller.server();
        JsonNode body = request.get();
        requireObject(body);
        String profileUuid = optionalText(body, "profile_uuid");
        if (profileUuid == null || profileUuid.isBlank()) {
            throw DepException.badRequest("PROFILE_UUID_REQUIRED", "profile_uuid is required");
        }
        List<String> serials = serials(body);
        if (state.profile(server.name(), profileUuid) == null) {
            throw new DepException(404, "PROFILE_NOT_FOUND", "no profile " + profileUuid + " on MDM server " + server.name());
        }
        AbmState.AssignOutcome outcome = assign(caller, profileUuid, serials);
        Integer retry = caller.protocolVersion() >= 10 && outcome.retryAfterSeconds() > 0
                ? (int) Math.min(Integer.MAX_VALUE, outcome.retryAfterSeconds()) : null;
        return new AssignProfileResponse(profileUuid, outcome.devices(), retry);
    }

    /** Assigns and shapes THROTTLED for the protocol version: it exists from version 9, FAILED before. */
    private AbmState.AssignOutcome assign(Caller caller, String profileUuid, List<String> serials) {
        AbmState.AssignOutcome outcome = state.assignProfile(caller.server().name(), profileUuid, serials,
                settings.get().assignCooldown());
        if (caller.protocolVersion() >= 9) {
            return outcome;
        }
        Map<String, DeviceResult> shaped = new LinkedHashMap<>();
        outcome.devices().forEach((s, r) -> shaped.put(s, r == DeviceResult.THROTTLED ? DeviceResult.FAILED : r));
        return new AbmState.AssignOutcome(shaped, outcome.retryAfterSeconds());
    }

    /** DELETE /profile/devices; a profile_uuid in the body is ignored, as by Apple. */
    public ClearProfileResponse clearProfile(Caller caller, Supplier<JsonNode> request) {
        JsonNode body = request.get();
        optionalText(body, "profile_uuid");
        return new ClearProfileResponse(state.clearProfile(caller.server().name(), serials(body)));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void requireUserAgent(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            throw DepException.badRequest("USER_AGENT_MISSING", "the User-Agent header is required");
        }
        if (userAgent.length() > MAX_USER_AGENT || !userAgent.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw DepException.badRequest("USER_AGENT_INVALID", "User-Agent: expected at most " + MAX_USER_AGENT
                    + " printable ASCII characters");
        }
    }

    private DepCursor decode(String text, AbmState.ServerView server, Instant now) {
        DepCursor cursor;
        try {
            cursor = cursors.decode(text);
        } catch (IllegalArgumentException e) {
            throw DepException.badRequest("INVALID_CURSOR", e.getMessage());
        }
        if (!cursor.serverUuid().equals(server.uuid())) {
            throw DepException.badRequest("INVALID_CURSOR", "cursor belongs to another MDM server");
        }
        if (cursor.issuedAt().plus(config.cursorTtl()).isBefore(now)) {
            throw DepException.badRequest("EXPIRED_CURSOR", "cursor issued at " + cursor.issuedAt() + " is older than "
                    + config.cursorTtl().toDays() + " days; start again with a fetch");
        }
        if (cursor.issuedAt().isBefore(server.cursorsValidFrom())) {
            throw DepException.badRequest("EXPIRED_CURSOR", "cursor issued at " + cursor.issuedAt()
                    + " was expired by the admin API at " + server.cursorsValidFrom() + "; start again with a fetch");
        }
        return cursor;
    }

    /** Clamped to what /account advertises, as Apple's "Get a List of Devices" recommends; zero or less is refused. */
    private int limit(JsonNode body) {
        requireObject(body);
        JsonNode limit = body.get("limit");
        if (limit == null || limit.isNull()) {
            return config.fetchLimitDefault();
        }
        if (!limit.canConvertToInt() || !limit.isIntegralNumber()) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY", "limit: " + limit + " (expected: an integer)");
        }
        int value = limit.intValue();
        if (value < 1) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY", "limit: " + limit + " (expected: 1.."
                    + config.fetchLimitMax() + "; larger values are clamped to " + config.fetchLimitMax() + ")");
        }
        return Math.min(value, config.fetchLimitMax());
    }

    private static List<String> serials(JsonNode body) {
        requireObject(body);
        List<String> serials = strings(body, "devices");
        if (serials.isEmpty()) {
            throw DepException.badRequest("DEVICE_ID_REQUIRED", "devices: at least one serial number is required");
        }
        if (serials.size() > MAX_SERIALS) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY",
                    "devices: " + serials.size() + " serial numbers (expected: at most " + MAX_SERIALS + ")");
        }
        return unique(serials);
    }

    /** Device records as the requested protocol version shapes them (docs/fake-abm.md, X-Server-Protocol-Version). */
    private static List<DepDevice> devices(List<AbmState.DeviceView> views, int protocolVersion) {
        List<DepDevice> out = new ArrayList<>(views.size());
        for (AbmState.DeviceView v : views) {
            out.add(device(v, protocolVersion));
        }
        return out;
    }

    private static DepDevice device(AbmState.DeviceView v, int protocolVersion) {
        InventoryDevice d = v.device();
        boolean v2 = protocolVersion >= 2;
        return DepDevice.builder(d.serialNumber(), d.model().depModel())
                .description(d.description())
                .color(d.color())
                .assetTag(d.assetTag())
                .os(!v2 ? null : protocolVersion >= 7 ? d.family().os() : "iOS")
                .deviceFamily(v2 ? d.family().wire() : null)
                .profileStatus(v.profileStatus())
                .profileUuid(v.profileUuid())
                .profileAssignTime(time(v.profileAssignTime()))
                .profilePushTime(time(v.profilePushTime()))
                .deviceAssignedDate(time(v.assignedDate()))
                .deviceAssignedBy(v.assignedBy())
                .mdmMigrationDeadline(protocolVersion >= 8 ? time(v.mdmMigrationDeadline()) : null)
                .opType(v.opType())
                .opDate(time(v.opDate()))
                .build();
    }

    /** Apple writes whole seconds (2018-09-08T16:49:09Z). */
    public static Instant time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS);
    }

    private static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY", "the body must be a JSON object");
        }
    }

    private static String optionalText(JsonNode body, String field) {
        requireObject(body);
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY", field + ": " + n.getNodeType() + " (expected: a string)");
        }
        return n.textValue();
    }

    private static boolean flag(JsonNode body, String field, boolean defaultValue) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isBoolean()) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY", field + ": " + n + " (expected: true or false)");
        }
        return n.booleanValue();
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY", field + ": " + n.getNodeType() + " (expected: an array of strings)");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw DepException.badRequest("MALFORMED_REQUEST_BODY", field + ": contains " + item + " (expected: strings)");
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static List<String> unique(List<String> serials) {
        Set<String> set = new LinkedHashSet<>(serials);
        return List.copyOf(set);
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
