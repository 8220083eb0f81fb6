package io.mdmsim.mdm.dep;

import static io.mdmsim.mdm.dep.Token.str;
import static java.lang.System.Logger.Level.INFO;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mdmsim.core.dep.DepProfile;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.ProfileRules;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.model.BadInputException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The enrollment profile book: the profiles defined in ABM through each token, validated like ABM validates them
 * (the seeds' constraints, the server's other rules, then Apple's), assigned to serials, edited (defined again in ABM
 * and assigned again to its serials) and deleted; which profile a serial enrolls with; and the default DEP profile a
 * token's first sync defines. Token state is read and changed under the registry's monitor; ABM is called under the
 * token's sync lock, never under the monitor.
 */
final class ProfileBook {

    private static final System.Logger LOG = System.getLogger(ProfileBook.class.getName());
    /** 000_… "Maximum Automated Device Enrollment devices per profile: 200,000" (the 2020 page had no limit). */
    static final int MAX_DEVICES_PER_PROFILE = 200_000;
    /** The seeds' limit: 1,000 profiles per token. */
    static final int MAX_PROFILES_PER_TOKEN = 1000;

    private final TokenRegistry registry;
    private final Map<String, Token> tokens;
    private final SimClock clock;
    private final Supplier<URI> publicBase;
    private final String organization;
    private final EventLog events;
    private volatile Function<EnrollmentProfile, List<String>> profileRules = p -> List.of();

    ProfileBook(TokenRegistry registry, SimClock clock, Supplier<URI> publicBase, String organization,
            EventLog events) {
        this.registry = requireNonNull(registry, "registry");
        this.tokens = registry.tokens;
        this.clock = requireNonNull(clock, "clock");
        this.publicBase = requireNonNull(publicBase, "publicBase");
        this.organization = requireNonNull(organization, "organization");
        this.events = requireNonNull(events, "events");
    }

    /**
     * Creates an enrollment profile: validated with the seeds' constraints (all violations in one 400), defined in
     * ABM ({@code POST /profile}), and made the token's default profile when asked (new devices get it at sync).
     */
    Map<String, Object> create(String name, EnrollmentProfile created, boolean makeDefault)
            throws IOException, InterruptedException {
        requireValid(created);
        EnrollmentProfile profile = created.stamped(null); // a new profile: await final configuration defaults to Yes
        Token token;
        synchronized (tokens) {
            token = registry.existing(name);
            if (token.profiles.size() >= MAX_PROFILES_PER_TOKEN) {
                throw HttpError.conflict("token " + name + " already has " + token.profiles.size()
                        + " enrollment profiles (limit: " + MAX_PROFILES_PER_TOKEN + " per token)");
            }
        }
        String uuid;
        token.syncLock.lock();
        try {
            uuid = token.client.defineProfile(depProfile(token, profile));
        } catch (DepClient.DepCallException e) {
            throw new HttpError(502, "defining the profile in ABM failed: " + e.getMessage());
        } finally {
            token.syncLock.unlock();
        }
        synchronized (tokens) {
            token.profiles.put(uuid, profile);
            if (makeDefault) {
                token.profileUuid = uuid;
            }
        }
        registry.persist(token);
        events.emit("dep.profile.created", null, "token", name, "profileUuid", uuid, "name", profile.name(),
                "default", makeDefault);
        return profileJson(token, uuid);
    }

    /** More rules for enrollment profiles than their own (the enrollment policy: a vppToken must be known). */
    void profileRules(Function<EnrollmentProfile, List<String>> rules) {
        this.profileRules = requireNonNull(rules, "rules");
    }

    /**
     * Every violation of a profile: the seeds' constraints, the server's other rules, then Apple's rules for the DEP
     * profile it becomes (the ones the fake ABM checks), so a profile saved here is one ABM accepts.
     */
    List<String> validate(EnrollmentProfile profile) {
        List<String> v = new ArrayList<>(profile.violations());
        v.addAll(profileRules.apply(profile));
        if (v.isEmpty()) {
            String enroll = publicBase.get() + "/mdm/enroll";
            ProfileRules.violations(profile.toDep(enroll, enroll, null, List.of()))
                    .forEach(x -> v.add(x.message() + " [" + x.code() + "]"));
        }
        return v;
    }

    /** Every enrollment profile of every token. */
    List<EnrollmentProfile> all() {
        synchronized (tokens) {
            List<EnrollmentProfile> out = new ArrayList<>();
            tokens.values().forEach(t -> out.addAll(t.profiles.values()));
            return out;
        }
    }

    /** Assigns a profile to serials in ABM ({@code POST /profile/devices}); returns ABM's result per serial. */
    Map<String, Object> assign(String name, String uuid, List<String> serials)
            throws IOException, InterruptedException {
        Token token;
        synchronized (tokens) {
            token = registry.existing(name);
            if (!token.profiles.containsKey(uuid) && !uuid.equals(token.profileUuid)) {
                throw HttpError.notFound("token " + name + " has no enrollment profile " + uuid);
            }
        }
        if (serials == null || serials.isEmpty()) {
            throw new BadInputException("serials: missing or empty (expected: the serial numbers to assign)");
        }
        synchronized (tokens) {
            Set<String> after = new HashSet<>(serials);
            token.profileOf.forEach((serial, p) -> {
                if (p.equals(uuid)) {
                    after.add(serial);
                }
            });
            if (after.size() > MAX_DEVICES_PER_PROFILE) {
                throw HttpError.conflict("profile " + uuid + " of token " + name + " would have " + after.size()
                        + " devices (limit: " + MAX_DEVICES_PER_PROFILE + " per profile); nothing was assigned"
                        + " (expected: split the devices over more profiles)");
            }
        }
        Map<String, DeviceResult> results;
        String abmUuid;
        synchronized (tokens) {
            abmUuid = token.abmUuidOf.getOrDefault(uuid, uuid);
        }
        token.syncLock.lock();
        try {
            results = token.client.assignProfile(abmUuid, serials);
        } catch (DepClient.DepCallException e) {
            throw new HttpError(502, "assigning the profile in ABM failed: " + e.getMessage());
        } finally {
            token.syncLock.unlock();
        }
        synchronized (tokens) {
            results.forEach((serial, r) -> {
                if (r == DeviceResult.SUCCESS) {
                    token.profileOf.put(serial, uuid);
                    if (token.serials.contains(serial)) {
                        token.assigned.add(serial);
                    }
                }
            });
        }
        registry.persist(token);
        Map<String, Object> out = new LinkedHashMap<>();
        results.forEach((k, r) -> out.put(k, r.name()));
        return Map.of("profileUuid", uuid, "devices", out);
    }

    List<Map<String, Object>> list(String name) {
        synchronized (tokens) {
            Token token = registry.existing(name);
            return token.profiles.keySet().stream().map(uuid -> profileJson(token, uuid)).toList();
        }
    }

    /** Like {@link DepTokenService#profileFor} with the token, profile UUID and revision; null if none is known. */
    DepTokenService.ProfileRef refFor(String serial) {
        synchronized (tokens) {
            for (Token token : tokens.values()) {
                String uuid = token.profileOf.get(serial);
                if (uuid == null && token.serials.contains(serial)) {
                    uuid = token.profileUuid;
                }
                if (uuid != null && token.profiles.containsKey(uuid)) {
                    return new DepTokenService.ProfileRef(token.name, uuid, token.revisionOf.getOrDefault(uuid, 1),
                            token.profiles.get(uuid));
                }
            }
            return null;
        }
    }

    /** One profile of a token, as listed by {@link #list}. */
    Map<String, Object> get(String name, String uuid) {
        synchronized (tokens) {
            Token token = registry.existing(name);
            if (!token.profiles.containsKey(uuid)) {
                throw HttpError.notFound("token " + name + " has no enrollment profile " + uuid
                        + " (see GET /admin/dep/tokens/" + name + "/profiles)");
            }
            return profileJson(token, uuid);
        }
    }

    /**
     * Edits a profile (seeds: "If you make changes to an existing enrollment profile, the new settings won't
     * take effect on assigned devices until devices are reset back to factory settings"): validated like a new one,
     * defined again in ABM ({@code POST /profile}, a new profile_uuid) and assigned again to its serials ({@code POST
     * /profile/devices}): the serials assigned to it, and for the default profile every serial of the token without a
     * profile of its own. Enrolled devices keep the settings they enrolled with (their snapshot); the device name
     * template is read live at each check-in.
     */
    Map<String, Object> edit(String name, String uuid, EnrollmentProfile edited)
            throws IOException, InterruptedException {
        if (edited == null) {
            throw new BadInputException("body: null (expected: the enrollment profile JSON)");
        }
        requireValid(edited);
        Token token;
        EnrollmentProfile old;
        EnrollmentProfile profile;
        List<String> serials;
        synchronized (tokens) {
            token = registry.existing(name);
            old = token.profiles.get(uuid);
            if (old == null) {
                throw HttpError.notFound("token " + name + " has no enrollment profile " + uuid
                        + " (see GET /admin/dep/tokens/" + name + "/profiles)");
            }
            profile = edited.stamped(old.settingsVersion()); // an existing profile keeps its settings version
            boolean isDefault = uuid.equals(token.profileUuid);
            List<String> s = new ArrayList<>();
            token.profileOf.forEach((serial, p) -> {
                if (p.equals(uuid)) {
                    s.add(serial);
                }
            });
            if (isDefault) {
                for (String serial : token.serials) {
                    if (!token.profileOf.containsKey(serial)) {
                        s.add(serial);
                    }
                }
            }
            serials = s.stream().distinct().toList();
        }
        String abmUuid;
        Map<String, DeviceResult> results;
        token.syncLock.lock();
        try {
            abmUuid = token.client.defineProfile(depProfile(token, profile));
            results = serials.isEmpty() ? Map.of() : token.client.assignProfile(abmUuid, serials);
        } catch (DepClient.DepCallException e) {
            throw new HttpError(502, "defining the edited profile in ABM failed: " + e.getMessage());
        } finally {
            token.syncLock.unlock();
        }
        List<String> changed = changedSettings(old, profile);
        Map<String, Object> out;
        int revision;
        synchronized (tokens) {
            token.profiles.put(uuid, profile);
            token.abmUuidOf.put(uuid, abmUuid);
            revision = token.revisionOf.getOrDefault(uuid, 1) + 1;
            token.revisionOf.put(uuid, revision);
            token.editedAt.put(uuid, clock.now());
            out = profileJson(token, uuid);
        }
        registry.persist(token);
        Map<String, Integer> counts = new LinkedHashMap<>();
        results.values().forEach(r -> counts.merge(r.name(), 1, Integer::sum));
        out.put("changed", changed);
        out.put("reassigned", counts);
        events.emit("dep.profile.edited", null, "token", name, "profileUuid", uuid, "abmProfileUuid", abmUuid,
                "revision", revision, "changed", changed, "reassigned", serials.size());
        LOG.log(INFO, "DEP token {0}: profile {1} edited (revision {2}, ABM {3}, {4} serials assigned again): {5}",
                name, uuid, revision, abmUuid, serials.size(), changed);
        return out;
    }

    /** The settings (JSON keys) that differ between two versions of a profile. */
    private static List<String> changedSettings(EnrollmentProfile a, EnrollmentProfile b) {
        Map<String, Object> x = Json.MAPPER.convertValue(a, new TypeReference<LinkedHashMap<String, Object>>() {});
        Map<String, Object> y = Json.MAPPER.convertValue(b, new TypeReference<LinkedHashMap<String, Object>>() {});
        Set<String> keys = new LinkedHashSet<>(x.keySet());
        keys.addAll(y.keySet());
        return keys.stream().filter(k -> !Objects.equals(x.get(k), y.get(k))).toList();
    }

    /** Every violation of the seeds' constraints and the server's other rules, in one 400. */
    private void requireValid(EnrollmentProfile profile) {
        List<String> violations = validate(profile);
        if (!violations.isEmpty()) {
            throw new HttpError(400, "application/json", Json.write(Map.of("error",
                    "the enrollment profile is not valid: " + String.join("; ", violations), "violations", violations)));
        }
    }

    /** The DEP profile ABM gets for an enrollment profile of this token. */
    private DepProfile depProfile(Token token, EnrollmentProfile profile) {
        // the web view's start page is GET /mdm/enroll with x-apple-aspen-deviceinfo (MdmHttp.enrollGet)
        return profile.toDep(publicBase.get() + "/mdm/enroll", publicBase.get() + "/mdm/enroll",
                "mdmsim-" + token.serverToken.consumerKey(), List.of());
    }

    /** Deletes the token's (default) enrollment profile here; the devices keep the profile ABM assigned. */
    void deleteDefault(String name) {
        synchronized (tokens) {
            Token token = registry.existing(name);
            if (token.profileUuid == null) {
                throw HttpError.notFound("token " + name + " has no enrollment profile");
            }
            if (!token.serials.isEmpty()) {
                throw HttpError.conflict("the default profile of token " + name + " cannot be deleted while "
                        + token.serials.size() + " devices are assigned to it");
            }
            token.profiles.remove(token.profileUuid);
            token.profileUuid = null;
        }
        registry.persist(registry.existingToken(name));
    }

    void delete(String name, String uuid) {
        synchronized (tokens) {
            Token token = registry.existing(name);
            if (!token.profiles.containsKey(uuid)) {
                throw HttpError.notFound("token " + name + " has no enrollment profile " + uuid);
            }
            if (uuid.equals(token.profileUuid)) {
                throw HttpError.conflict("profile " + uuid + " is the default profile of token " + name
                        + "; delete it with DELETE /admin/dep/tokens/" + name + "/profiles/default");
            }
            token.profiles.remove(uuid);
            token.abmUuidOf.remove(uuid);
            token.revisionOf.remove(uuid);
            token.editedAt.remove(uuid);
            token.profileOf.values().removeIf(uuid::equals);
        }
        registry.persist(registry.existingToken(name));
    }

    private static Map<String, Object> profileJson(Token token, String uuid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profileUuid", uuid);
        m.put("default", uuid.equals(token.profileUuid));
        m.put("assigned", token.profileOf.values().stream().filter(uuid::equals).count());
        m.put("abmProfileUuid", token.abmUuidOf.getOrDefault(uuid, uuid));
        m.put("revision", token.revisionOf.getOrDefault(uuid, 1));
        m.put("editedAt", str(token.editedAt.get(uuid)));
        m.put("profile", token.profiles.get(uuid));
        m.put("scopeTags", token.scopeTags); // inherited from the token
        return m;
    }

    /** The ADE profile a token's first sync defines when it has no default yet (Apple's "Define a Profile"). */
    DepProfile defaultDepProfile(Token token) {
        return DepProfile.builder()
                .profileName(organization + " ADE enrollment")
                .url(publicBase.get() + "/mdm/enroll")
                .isSupervised(true)
                .isMdmRemovable(false)
                .isMandatory(true)
                .awaitDeviceConfigured(true)
                .orgMagic("mdmsim-" + token.serverToken.consumerKey())
                .department(organization)
                .build();
    }
}
