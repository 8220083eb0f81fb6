package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.AccountDetail;
import io.mdmsim.core.dep.AssignProfileResponse;
import io.mdmsim.core.dep.DefineProfileResponse;
import io.mdmsim.core.dep.DepDevice;
import io.mdmsim.core.dep.DepProfile;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.FetchDevicesResponse;
import io.mdmsim.core.dep.SessionResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Device Assignment ("DEP") web API of PROTOCOL.md §1, without HTTP: each method takes what the handler read from
 * the request (the body parsed only after authorization) and returns the response model, or throws {@link DepException} with Apple's status and code.
 */
final class DepService {

    /** The most serials one assign request may carry (AppleDoc:assign-profile). */
    static final int MAX_ASSIGN_SERIALS = 1000;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}");
    private static final Pattern REGION = Pattern.compile("[A-Z]{2}");

    /** What every call but /session carries. {@code protocolVersion} is 1 when the header is absent. */
    record Call(String sessionToken, String userAgent, int protocolVersion) {
    }

    private final FakeAbmConfig config;
    private final AbmState state;
    private final DepAuth auth;
    private final CursorCodec cursors;
    private final SeededRandom random;

    DepService(FakeAbmConfig config, AbmState state, DepAuth auth, CursorCodec cursors, SeededRandom random) {
        this.config = requireNonNull(config, "config");
        this.state = requireNonNull(state, "state");
        this.auth = requireNonNull(auth, "auth");
        this.cursors = requireNonNull(cursors, "cursors");
        this.random = requireNonNull(random, "random");
    }

    // ---------------------------------------------------------------------------------------------- GET /session

    SessionResponse session(String userAgent, String authorization, List<URI> signedUris) {
        requireUserAgent(userAgent);
        return new SessionResponse(auth.openSession(authorization, "GET", signedUris));
    }

    // ---------------------------------------------------------------------------------------------- GET /account

    AccountDetail account(Call call) {
        AbmState.ServerView server = authorize(call);
        FakeAbmConfig.Organization org = config.organization();
        boolean v3 = call.protocolVersion() >= 3;
        return new AccountDetail(server.name(), server.uuid(), org.adminId(), org.adminId(), org.name(),
                org.email(), org.phone(), org.address(), v3 ? org.orgId() : null, v3 ? sha256Hex(org.orgId()) : null,
                v3 ? org.orgType() : null, v3 ? org.orgVersion() : null, v3 ? urls() : null);
    }

    private List<AccountDetail.Url> urls() {
        AccountDetail.Limit paged = new AccountDetail.Limit(config.fetchLimitDefault(), config.fetchLimitMax());
        AccountDetail.Limit assign = new AccountDetail.Limit(MAX_ASSIGN_SERIALS, MAX_ASSIGN_SERIALS);
        return List.of(
                new AccountDetail.Url("/session", List.of("GET"), null),
                new AccountDetail.Url("/account", List.of("GET"), null),
                new AccountDetail.Url("/server/devices", List.of("POST"), paged),
                new AccountDetail.Url("/devices/sync", List.of("POST"), paged),
                new AccountDetail.Url("/profile", List.of("GET", "POST"), null),
                new AccountDetail.Url("/profile/devices", List.of("POST", "PUT"), assign));
    }

    // ---------------------------------------------------------------------------------------------- POST /server/devices

    FetchDevicesResponse fetchDevices(Call call, Supplier<JsonNode> request) {
        AbmState.ServerView server = authorize(call);
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
        String next = cursors.encode(new DepCursor.Fetch(server.uuid(), high, page.last(), now));
        return new FetchDevicesResponse(devices(page.devices(), call.protocolVersion()), next,
                time(high.instant()), page.moreToFollow());
    }

    // ---------------------------------------------------------------------------------------------- POST /devices/sync

    FetchDevicesResponse syncDevices(Call call, Supplier<JsonNode> request) {
        AbmState.ServerView server = authorize(call);
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
        String next = cursors.encode(new DepCursor.Sync(server.uuid(), page.position(), now));
        return new FetchDevicesResponse(devices(page.devices(), call.protocolVersion()), next, time(now),
                page.moreToFollow());
    }

    // ---------------------------------------------------------------------------------------------- profiles

    DefineProfileResponse defineProfile(Call call, Supplier<JsonNode> request) {
        AbmState.ServerView server = authorize(call);
        JsonNode body = request.get();
        requireObject(body);
        String name = optionalText(body, "profile_name");
        if (name == null || name.isBlank()) {
            throw DepException.badRequest("CONFIG_NAME_REQUIRED", "profile_name is required");
        }
        if (name.length() > 125) {
            throw DepException.badRequest("CONFIG_NAME_INVALID", "profile_name: " + name.length() + " characters (expected: at most 125)");
        }
        String url = optionalText(body, "url");
        if (url == null || url.isBlank()) {
            throw DepException.badRequest("CONFIG_URL_REQUIRED", "url is required (the MDM enrollment URL)");
        }
        requireHttpUrl("url", url);
        String webUrl = optionalText(body, "configuration_web_url");
        if (webUrl != null) {
            requireHttpUrl("configuration_web_url", webUrl);
        }
        boolean supervised = flag(body, "is_supervised", false);
        boolean removable = flag(body, "is_mdm_removable", true);
        if (!removable && !supervised) {
            throw DepException.badRequest("FLAGS_INVALID", "is_mdm_removable may be false only if is_supervised is true");
        }
        String department = maxLength(body, "department", 125, "DEPARTMENT_INVALID");
        String magic = maxLength(body, "org_magic", 256, "MAGIC_INVALID");
        String phone = maxLength(body, "support_phone_number", 50, "SUPPORT_PHONE_INVALID");
        String email = maxLength(body, "support_email_address", 250, "SUPPORT_EMAIL_INVALID");
        if (email != null && !EMAIL.matcher(email).matches()) {
            throw DepException.badRequest("SUPPORT_EMAIL_INVALID", "support_email_address: " + email + " (expected: an email address)");
        }
        String language = optionalText(body, "language");
        if (language != null && !LANGUAGE.matcher(language).matches()) {
            throw DepException.badRequest("LOCALE_INVALID", "language: " + language + " (expected: ISO 639 code, e.g. en)");
        }
        String region = optionalText(body, "region");
        if (region != null && !REGION.matcher(region).matches()) {
            throw DepException.badRequest("LOCALE_INVALID", "region: " + region + " (expected: ISO 3166-1 alpha-2, e.g. US)");
        }
        List<String> anchors = strings(body, "anchor_certs");
        List<String> hostCerts = strings(body, "supervising_host_certs");
        for (String cert : concat(anchors, hostCerts)) {
            try {
                Base64.getMimeDecoder().decode(cert);
            } catch (IllegalArgumentException e) {
                throw DepException.badRequest("MALFORMED_REQUEST_BODY", "anchor_certs/supervising_host_certs: not base64");
            }
        }
        List<String> serials = strings(body, "devices");
        AbmProfile profile = new AbmProfile(random.profileUuid(), name, url, webUrl, flag(body, "allow_pairing", true),
                supervised, flag(body, "is_mandatory", false), removable, flag(body, "await_device_configured", false),
                flag(body, "auto_advance_setup", false), flag(body, "is_multi_user", false),
                flag(body, "is_return_to_service", false), flag(body, "do_not_use_profile_from_backup", false),
                department, magic, phone, email, language, region, anchors, hostCerts, strings(body, "skip_setup_items"));
        state.defineProfile(server.name(), profile);
        Map<String, DeviceResult> results = serials.isEmpty() ? Map.of()
                : state.assignProfile(server.name(), profile.profileUuid(), unique(serials));
        return new DefineProfileResponse(profile.profileUuid(), results);
    }

    DepProfile profile(Call call, String profileUuid) {
        AbmState.ServerView server = authorize(call);
        if (profileUuid == null || profileUuid.isBlank()) {
            throw DepException.badRequest("PROFILE_UUID_REQUIRED", "query parameter profile_uuid is required");
        }
        AbmProfile p = state.profile(server.name(), profileUuid);
        if (p == null) {
            throw new DepException(404, "NOT_FOUND", "no profile " + profileUuid + " on MDM server " + server.name());
        }
        return DepProfile.builder().profileUuid(p.profileUuid()).profileName(p.profileName()).url(p.url())
                .configurationWebUrl(p.configurationWebUrl()).allowPairing(p.allowPairing())
                .isSupervised(p.isSupervised()).isMandatory(p.isMandatory()).isMdmRemovable(p.isMdmRemovable())
                .awaitDeviceConfigured(p.awaitDeviceConfigured()).autoAdvanceSetup(p.autoAdvanceSetup())
                .isMultiUser(p.isMultiUser()).isReturnToService(p.isReturnToService())
                .doNotUseProfileFromBackup(p.doNotUseProfileFromBackup()).department(p.department())
                // Profile.json requires org_magic; a profile defined without one reads back with an empty one
                .orgMagic(p.orgMagic() == null ? "" : p.orgMagic())
                .supportPhoneNumber(p.supportPhoneNumber()).supportEmailAddress(p.supportEmailAddress())
                .language(p.language()).region(p.region()).anchorCerts(p.anchorCerts())
                .supervisingHostCerts(p.supervisingHostCerts()).skipSetupItems(p.skipSetupItems()).build();
    }

    AssignProfileResponse assignProfile(Call call, Supplier<JsonNode> request) {
        AbmState.ServerView server = authorize(call);
        JsonNode body = request.get();
        requireObject(body);
        String profileUuid = optionalText(body, "profile_uuid");
        if (profileUuid == null || profileUuid.isBlank()) {
            throw DepException.badRequest("PROFILE_UUID_REQUIRED", "profile_uuid is required");
        }
        List<String> serials = strings(body, "devices");
        if (serials.isEmpty()) {
            throw DepException.badRequest("DEVICE_ID_REQUIRED", "devices: at least one serial number is required");
        }
        if (serials.size() > MAX_ASSIGN_SERIALS) {
            throw DepException.badRequest("MALFORMED_REQUEST_BODY",
                    "devices: " + serials.size() + " serial numbers (expected: at most " + MAX_ASSIGN_SERIALS + ")");
        }
        if (state.profile(server.name(), profileUuid) == null) {
            throw new DepException(404, "PROFILE_NOT_FOUND", "no profile " + profileUuid + " on MDM server " + server.name());
        }
        return new AssignProfileResponse(profileUuid, state.assignProfile(server.name(), profileUuid, unique(serials)), null);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private AbmState.ServerView authorize(Call call) {
        requireUserAgent(call.userAgent());
        return auth.authorize(call.sessionToken());
    }

    private static void requireUserAgent(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            throw DepException.badRequest("USER_AGENT_MISSING", "the User-Agent header is required");
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
        return cursor;
    }

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
        return value < 1 ? config.fetchLimitDefault() : Math.min(value, config.fetchLimitMax());
    }

    /** Device records as the requested protocol version shapes them (PROTOCOL.md §1.3). */
    private static List<DepDevice> devices(List<AbmState.DeviceView> views, int protocolVersion) {
        List<DepDevice> out = new ArrayList<>(views.size());
        boolean v2 = protocolVersion >= 2;
        for (AbmState.DeviceView v : views) {
            InventoryDevice d = v.device();
            out.add(DepDevice.builder(d.serialNumber(), d.model().depModel())
                    .description(d.description())
                    .color(d.color())
                    .os(!v2 ? null : protocolVersion >= 7 ? d.family().os() : "iOS")
                    .deviceFamily(v2 ? d.family().wire() : null)
                    .profileStatus(v.profileStatus())
                    .profileUuid(v.profileUuid())
                    .profileAssignTime(time(v.profileAssignTime()))
                    .profilePushTime(time(v.profilePushTime()))
                    .deviceAssignedDate(time(v.assignedDate()))
                    .deviceAssignedBy(v.assignedBy())
                    .opType(v.opType())
                    .opDate(time(v.opDate()))
                    .build());
        }
        return out;
    }

    /** Apple writes whole seconds (2018-09-08T16:49:09Z). */
    static Instant time(Instant t) {
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

    private static String maxLength(JsonNode body, String field, int max, String code) {
        String s = optionalText(body, field);
        if (s != null && s.length() > max) {
            throw DepException.badRequest(code, field + ": " + s.length() + " characters (expected: at most " + max + ")");
        }
        return s;
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

    private static void requireHttpUrl(String field, String url) {
        boolean ok;
        try {
            URI u = new URI(url);
            ok = ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme())) && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            ok = false;
        }
        if (!ok || url.length() > 2000) {
            throw DepException.badRequest("CONFIG_URL_INVALID", field + ": " + url + " (expected: an http(s) URL of at most 2000 characters)");
        }
    }

    private static List<String> unique(List<String> serials) {
        Set<String> set = new LinkedHashSet<>(serials);
        return List.copyOf(set);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
