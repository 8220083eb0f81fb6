package io.mdmsim.mdm.dep;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.store.MdmStore;
import io.mdmsim.mdm.store.StoredDep;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The MDM's DEP side as the admin API and the enrollment see it (docs/mdm-endpoint.md "Enrollment program tokens, DEP
 * sync, enrollment profiles"): the token key pair and add flows ({@link AddFlows}), the uploaded tokens ({@link
 * TokenRegistry}), the enrollment profiles defined in ABM ({@link ProfileBook}), and the sync of each token ({@link
 * SyncEngine} for one round, {@link SyncScheduler} for when rounds run): session, account, a full fetch of all
 * devices, the enrollment profile defined once, and the profile assigned to every serial (batches of 1000); then a
 * delta sync ({@code POST /devices/sync} from the last cursor) every {@code syncInterval} of simulated time, or at
 * once on {@link #syncNow}, assigns devices added since.
 *
 * <p>Tokens, their serial numbers, profiles, sync state and cursor, and the add flows are written to the store
 * ({@link TokenStorage}) before the request that changed them is answered and at the end of each sync round; a
 * service made on a store that holds tokens carries on with them ({@link #resumeSyncs()}: the next delta sync comes
 * when the interval since the last one is over), so a restarted server needs no new upload.
 */
public final class DepTokenService implements AutoCloseable {

    /** Where a serial's enrollment profile comes from: token, profile UUID, revision and the profile itself. */
    public record ProfileRef(String token, String profileUuid, int revision, EnrollmentProfile profile) {}

    private final TokenRegistry registry;
    private final AddFlows flows;
    private final ProfileBook profiles;
    private final SyncScheduler scheduler;
    private final EventLog events;

    public DepTokenService(Identity keyPair, SimClock clock, Ids ids, URI defaultDepUrl, Supplier<URI> publicBase,
            String organization, Duration syncInterval, EventLog events) {
        this(keyPair, clock, ids, defaultDepUrl, publicBase, organization, syncInterval, events,
                MdmStore.inMemory().dep());
    }

    /** A service with the tokens and add flows {@code store} holds; their syncs start with {@link #resumeSyncs()}. */
    public DepTokenService(Identity keyPair, SimClock clock, Ids ids, URI defaultDepUrl, Supplier<URI> publicBase,
            String organization, Duration syncInterval, EventLog events, StoredDep store) {
        requireNonNull(store, "store");
        TokenStorage storage = new TokenStorage(requireNonNull(keyPair, "keyPair"));
        this.events = requireNonNull(events, "events");
        requireNonNull(clock, "clock");
        requireNonNull(ids, "ids");
        requireNonNull(publicBase, "publicBase");
        requireNonNull(organization, "organization");
        requireNonNull(syncInterval, "syncInterval");
        this.registry = new TokenRegistry(keyPair, clock, defaultDepUrl, store, storage, events);
        this.flows = new AddFlows(clock, ids, organization, store, storage, events);
        this.profiles = new ProfileBook(registry, clock, publicBase, organization, events);
        this.scheduler = new SyncScheduler(registry, new SyncEngine(registry, profiles, clock, syncInterval, events),
                clock, syncInterval, events);
        StoredDep.Loaded loaded = store.load();
        registry.restore(loaded);
        flows.restore(loaded.flows());
    }

    // ---- the key pair and add flows ---------------------------------------------------------------------------

    /** The certificate an ABM admin uploads when creating the MDM server. */
    public Identity keyPair() {
        return registry.keyPair();
    }

    /**
     * Starts an add flow with a new key pair; an open flow started before is abandoned, and an abandoned flow's key
     * pair can no longer decrypt a token (the seeds: leaving the add flow invalidates its key pair).
     */
    public Map<String, Object> startAddFlow() {
        return flows.start();
    }

    public void abandonAddFlow(String id) {
        flows.abandon(id);
    }

    // ---- tokens -----------------------------------------------------------------------------------------------

    /**
     * Decrypts and stores an uploaded token, then starts its sync. Re-uploading a token of the same consumer key
     * (a renewal) replaces the old one under the same name.
     *
     * @throws BadInputException if the body is not a server token encrypted to this server's key
     */
    public Map<String, Object> upload(byte[] p7m, String appleId, URI depUrl, String requestedName) {
        return upload(p7m, appleId, depUrl, requestedName, null);
    }

    /** Like {@link #upload(byte[], String, URI, String)} with the key pair of an open add flow (null: the server's). */
    public Map<String, Object> upload(byte[] p7m, String appleId, URI depUrl, String requestedName, String flowId) {
        Map<String, Object> created = new LinkedHashMap<>();
        Token token = registry.add(p7m, () -> flowId == null ? registry.keyPair() : flows.key(flowId), appleId,
                depUrl, requestedName, created);
        if (flowId != null) {
            flows.complete(flowId);
        }
        events.emit("dep.token.added", null, "token", token.name, "appleId", appleId, "expiry",
                Token.str(token.serverToken.accessTokenExpiry()));
        scheduler.start(token, Duration.ZERO);
        return created;
    }

    public List<Map<String, Object>> list() {
        return registry.list();
    }

    /**
     * Renews a token with a new .p7m downloaded from ABM for the same MDM server: the devices, profiles and cursor stay;
     * a different Apple ID than the one the token was added with is accepted with a warning.
     */
    public Map<String, Object> renew(String name, byte[] p7m, String appleId) {
        return registry.renew(name, p7m, appleId);
    }

    /**
     * Deletes a token: only when it has no devices (assigned or still listed "Removed from ABM"), no default profile and
     * no profiles (the seeds' rule).
     */
    public void delete(String name) {
        registry.delete(name);
    }

    /** Sets a token's scope tags (at upload or renewal); its profiles and devices inherit them. */
    public Map<String, Object> scopeTags(String name, List<String> tags) {
        return registry.scopeTags(name, tags);
    }

    /** A token's scope tags; empty for an unknown token. */
    public List<String> scopeTagsOf(String name) {
        return registry.scopeTagsOf(name);
    }

    /** The devices of a token with their DEP status. */
    public List<Map<String, Object>> devices(String name) {
        return registry.devices(name);
    }

    /** Deletes a device here; if ABM still assigns it to this server, the next full sync brings it back. */
    public void deleteDevice(String name, String serial) {
        registry.deleteDevice(name, serial);
    }

    // ---- enrollment profiles ----------------------------------------------------------------------------------

    /**
     * Creates an enrollment profile: validated with the seeds' constraints (all violations in one 400), defined in
     * ABM ({@code POST /profile}), and made the token's default profile when asked (new devices get it at sync).
     */
    public Map<String, Object> createProfile(String name, EnrollmentProfile created, boolean makeDefault)
            throws IOException, InterruptedException {
        return profiles.create(name, created, makeDefault);
    }

    /** More rules for enrollment profiles than their own (the enrollment policy: a vppToken must be known). */
    public void profileRules(Function<EnrollmentProfile, List<String>> rules) {
        profiles.profileRules(rules);
    }

    /**
     * Every violation of a profile: the seeds' constraints, the server's other rules, then Apple's rules for the DEP
     * profile it becomes (the ones the fake ABM checks), so a profile saved here is one ABM accepts.
     */
    public List<String> validate(EnrollmentProfile profile) {
        return profiles.validate(profile);
    }

    /** Every enrollment profile of every token. */
    public List<EnrollmentProfile> allProfiles() {
        return profiles.all();
    }

    /** Assigns a profile to serials in ABM ({@code POST /profile/devices}); returns ABM's result per serial. */
    public Map<String, Object> assignProfile(String name, String uuid, List<String> serials)
            throws IOException, InterruptedException {
        return profiles.assign(name, uuid, serials);
    }

    public List<Map<String, Object>> profiles(String name) {
        return profiles.list(name);
    }

    /** One profile of a token, as listed by {@link #profiles}. */
    public Map<String, Object> profile(String name, String uuid) {
        return profiles.get(name, uuid);
    }

    /** The enrollment profile a serial was assigned (or the token's default), null if none is known. */
    public EnrollmentProfile profileFor(String serial) {
        ProfileRef ref = profileRefFor(serial);
        return ref == null ? null : ref.profile();
    }

    /** Like {@link #profileFor} with the token, profile UUID and revision; null if none is known. */
    public ProfileRef profileRefFor(String serial) {
        return profiles.refFor(serial);
    }

    /**
     * Edits a profile: defined again in ABM and assigned again to its serials; enrolled devices keep the settings they
     * enrolled with (see {@link ProfileBook#edit}).
     */
    public Map<String, Object> editProfile(String name, String uuid, EnrollmentProfile edited)
            throws IOException, InterruptedException {
        return profiles.edit(name, uuid, edited);
    }

    /** Deletes the token's (default) enrollment profile here; the devices keep the profile ABM assigned. */
    public void deleteProfile(String name) {
        profiles.deleteDefault(name);
    }

    public void deleteProfile(String name, String uuid) {
        profiles.delete(name, uuid);
    }

    // ---- sync -------------------------------------------------------------------------------------------------

    /**
     * Starts the background sync of every token loaded from the store: a token that synced goes on with a delta sync
     * once the interval since its last sync is over; one that never finished a round syncs at once. Call once the
     * server's public URL is known (profiles carry it).
     */
    public void resumeSyncs() {
        scheduler.resume();
    }

    /**
     * A manual sync (the admin's Sync button): at most once per 15 minutes, never while a sync runs; a full sync at
     * most once per 7 days. A refusal says when the next one is allowed.
     *
     * @return empty if there is no such token
     */
    public Optional<Map<String, Object>> syncNow(String name, boolean full) {
        return scheduler.syncNow(name, full);
    }

    @Override
    public void close() {
        registry.retireAll();
        scheduler.close();
        registry.close();
    }
}
