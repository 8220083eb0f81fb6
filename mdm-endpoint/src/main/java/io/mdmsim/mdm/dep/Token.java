package io.mdmsim.mdm.dep;

import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.ClockTimer;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.store.TrackedMap;
import io.mdmsim.mdm.store.TrackedSet;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One uploaded DEP token and what its syncs found, with the seeds' rules that change it on their own: a sync overdue
 * after 15 minutes, devices released from ABM and their purge 30–45 days later. Fields are guarded by the registry's
 * monitor ({@link TokenRegistry#tokens}); the sync of one token is serialised by its {@link #syncLock}.
 */
final class Token {

    /** The seeds' limit of devices per token (shown as a warning above it). */
    static final int MAX_DEVICES_PER_TOKEN = 200_000;
    /** "All sync requests are given 15 minutes to finish" (seeds): full and delta alike. */
    static final Duration SYNC_TIMEOUT = Duration.ofMinutes(15);
    static final Duration PURGE_MIN = Duration.ofDays(30);
    static final int PURGE_SPREAD_DAYS = 15;

    enum SyncState { PENDING, SYNCING, SYNCED, FAILED }

    final String name;
    String appleId;
    final URI depUrl;
    final Instant uploadedAt;
    ServerToken serverToken;
    Instant renewedAt;
    /** The key pair the token was encrypted to (the server's, or the add flow's). */
    Identity key;
    /** Serialises the syncs of this token (its client is not thread-safe). */
    final ReentrantLock syncLock = new ReentrantLock();
    DepClient client;
    volatile boolean removed;
    /** The background sync on the clock's timers (a round, then one every sync interval). */
    volatile ClockTimer syncTimer;
    SyncState syncState = SyncState.PENDING;
    String lastError;
    String orgName;
    String serverName;
    String profileUuid;
    String cursor;
    Instant lastSyncAt;
    int syncs;
    /** Failed rounds in a row: the first is logged as a warning, the rest at debug level, and each waits longer. */
    int failedInARow;
    /** The sync rules of the seeds (docs/mdm-endpoint.md "Sync"). */
    Instant lastFullSyncAt;
    Instant lastManualSyncAt;
    Instant syncStartedAt;
    String syncKind;
    String lastSyncKind;
    boolean nextFull;
    int progressDevices;
    /** Its scope tags, inherited by its profiles and devices (2020 page). */
    List<String> scopeTags = List.of();
    /** Counts sync rounds; a round that ran out of time no longer changes the token when it returns. */
    long round;
    /** Serial numbers whose state below changed since the token was last stored. */
    final Set<String> changedSerials = new LinkedHashSet<>();
    /** Serials ABM released from this server: shown "Removed from ABM" until purged (30–45 days). */
    final Map<String, Instant> removedFromAbm = new TrackedMap<>(changedSerials::add);
    final Map<String, Instant> removedAt = new TrackedMap<>(changedSerials::add);
    final List<String> warnings = new ArrayList<>();
    /** Deleted here while ABM may still assign them: only a full sync brings them back (the seeds). */
    final Set<String> deletedHere = new TrackedSet<>(changedSerials::add);
    /** Enrollment profiles defined in ABM through this token, by profile UUID; and which serial has which. */
    final Map<String, EnrollmentProfile> profiles = new LinkedHashMap<>();
    final Map<String, String> profileOf = new TrackedMap<>(changedSerials::add);
    /**
     * Profile edits (lifecycle): a profile keeps the UUID it was created with here; each edit defines it again in
     * ABM, which gives a new profile_uuid (kept here, by profile UUID), and bumps its revision.
     */
    final Map<String, String> abmUuidOf = new LinkedHashMap<>();
    final Map<String, Integer> revisionOf = new LinkedHashMap<>();
    final Map<String, Instant> editedAt = new LinkedHashMap<>();
    /** Serials this server currently holds in DEP, and those the profile is assigned to. */
    final Set<String> serials = new TrackedSet<>(changedSerials::add);
    final Set<String> assigned = new TrackedSet<>(changedSerials::add);

    Token(String name, String appleId, URI depUrl, ServerToken serverToken, Instant uploadedAt) {
        this.name = name;
        this.appleId = appleId;
        this.depUrl = depUrl;
        this.serverToken = serverToken;
        this.uploadedAt = uploadedAt;
    }

    /** The token is gone (deleted, replaced, or the server stops): no more rounds. */
    void retire() {
        removed = true;
        ClockTimer timer = syncTimer;
        if (timer != null) {
            timer.cancel();
        }
    }

    /**
     * A sync still running 15 minutes after it started has failed (seeds: "All sync requests are given 15 minutes to
     * finish"), even while ABM has not answered yet: the Sync button is enabled again and the next sync is full.
     *
     * @return whether it failed now (the caller reports it)
     */
    boolean expireOverdue(Instant now) {
        if (syncState == SyncState.SYNCING && syncStartedAt != null && now.isAfter(syncStartedAt.plus(SYNC_TIMEOUT))) {
            round++; // the round still waiting for ABM changes nothing when it returns
            nextFull = true;
            syncState = SyncState.FAILED;
            lastError = overdue(syncKind, syncStartedAt, progressDevices);
            lastSyncAt = now;
            return true;
        }
        return false;
    }

    static String overdue(String kind, Instant started, int devices) {
        return (kind == null ? "" : kind + " ") + "sync did not finish within 15 minutes (started " + started + ", "
                + devices + " devices received); all sync requests are given 15 minutes to finish";
    }

    /** ABM no longer lists the serial for this server: "Removed from ABM" until its purge, 30–45 days on. */
    void markRemoved(String serial, Instant now) {
        serials.remove(serial);
        assigned.remove(serial);
        if (!removedFromAbm.containsKey(serial)) {
            int spread = Math.floorMod(serial.hashCode(), PURGE_SPREAD_DAYS + 1);
            removedAt.put(serial, now);
            removedFromAbm.put(serial, now.plus(PURGE_MIN).plus(Duration.ofDays(spread)));
        }
    }

    /** Deletes devices released from ABM 30–45 days ago. */
    void purge(Instant now) {
        removedFromAbm.entrySet().removeIf(e -> {
            boolean due = !now.isBefore(e.getValue());
            if (due) {
                removedAt.remove(e.getKey());
            }
            return due;
        });
    }

    /** The admin API's view of the token. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("consumerKey", serverToken.consumerKey());
        m.put("orgName", orgName);
        m.put("serverName", serverName);
        m.put("appleId", appleId);
        m.put("depUrl", depUrl.toString());
        m.put("expiry", str(serverToken.accessTokenExpiry()));
        m.put("syncState", syncState.name());
        m.put("lastError", lastError);
        m.put("devices", serials.size());
        m.put("profileUuid", profileUuid);
        m.put("assigned", assigned.size());
        m.put("syncs", syncs);
        m.put("failedRounds", failedInARow);
        m.put("uploadedAt", str(uploadedAt));
        m.put("lastSyncAt", str(lastSyncAt));
        m.put("lastSyncKind", lastSyncKind);
        m.put("lastFullSyncAt", str(lastFullSyncAt));
        m.put("lastManualSyncAt", str(lastManualSyncAt));
        m.put("nextFullSyncAllowedAt",
                str(lastFullSyncAt == null ? null : lastFullSyncAt.plus(SyncScheduler.FULL_SYNC_MIN)));
        m.put("nextManualSyncAllowedAt",
                str(lastManualSyncAt == null ? null : lastManualSyncAt.plus(SyncScheduler.MANUAL_SYNC_MIN)));
        m.put("nextSyncFull", nextFull || cursor == null);
        m.put("removedFromAbm", removedFromAbm.size());
        m.put("scopeTags", scopeTags);
        m.put("profiles", profiles.size());
        m.put("defaultProfileUuid", profileUuid);
        if (syncState == SyncState.SYNCING) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("kind", syncKind);
            p.put("startedAt", str(syncStartedAt));
            p.put("devicesReceived", progressDevices);
            m.put("progress", p);
        }
        List<String> w = new ArrayList<>(warnings);
        if (serials.size() > MAX_DEVICES_PER_TOKEN) {
            w.add("token holds " + serials.size() + " devices, above the limit of " + MAX_DEVICES_PER_TOKEN
                    + " per token");
        }
        m.put("warnings", w);
        return m;
    }

    static String str(Instant t) {
        return t == null ? null : t.toString();
    }
}
