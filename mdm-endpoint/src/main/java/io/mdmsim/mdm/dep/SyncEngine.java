package io.mdmsim.mdm.dep;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.dep.AccountDetail;
import io.mdmsim.core.dep.DepDevice;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.events.EventLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The DEP sync engine: one sync round of a token against ABM. A full fetch (first time, on request, after a failed
 * round or without a cursor) or a delta sync from the cursor; devices ABM released become "Removed from ABM", devices
 * deleted here come back only with a full fetch; the default profile is defined once and assigned to every new serial.
 * Every round is given 15 minutes of simulated time (seeds); a failed one makes the next one full. When rounds run
 * is the {@link SyncScheduler}'s business.
 */
final class SyncEngine {

    private static final System.Logger LOG = System.getLogger(SyncEngine.class.getName());
    static final int FETCH_PAGE = 1000;

    private final TokenRegistry registry;
    private final Map<String, Token> tokens;
    private final ProfileBook profiles;
    private final SimClock clock;
    private final Duration syncInterval;
    private final EventLog events;

    SyncEngine(TokenRegistry registry, ProfileBook profiles, SimClock clock, Duration syncInterval, EventLog events) {
        this.registry = requireNonNull(registry, "registry");
        this.tokens = registry.tokens;
        this.profiles = requireNonNull(profiles, "profiles");
        this.clock = requireNonNull(clock, "clock");
        this.syncInterval = requireNonNull(syncInterval, "syncInterval");
        this.events = requireNonNull(events, "events");
    }

    /**
     * One round: a full fetch (first time, on request, after a failed delta or a lost cursor) or a delta sync, then
     * assignment. A full fetch marks devices ABM no longer lists "Removed from ABM" and brings back devices deleted
     * here; every round, full or delta, is given 15 minutes of simulated time (seeds).
     */
    void round(Token token, boolean requestedFull) {
        if (token.removed) {
            return;
        }
        token.syncLock.lock();
        long round = -1;
        try {
            String cursor;
            boolean full;
            Instant started = clock.now();
            synchronized (tokens) {
                round = ++token.round;
                full = requestedFull || token.nextFull || token.cursor == null;
                token.syncState = Token.SyncState.SYNCING;
                token.syncStartedAt = started;
                token.syncKind = full ? "full" : "delta";
                token.progressDevices = 0;
                cursor = full ? null : token.cursor;
            }
            DepClient client = token.client;
            if (full) {
                AccountDetail account = client.account();
                synchronized (tokens) {
                    token.orgName = account.orgName();
                    token.serverName = account.serverName();
                }
            }
            Instant deadline = started.plus(Token.SYNC_TIMEOUT);
            String kind = full ? "full" : "delta";
            DepClient.PageListener progress = n -> {
                synchronized (tokens) {
                    token.progressDevices = n;
                }
                if (clock.now().isAfter(deadline)) {
                    throw new DepClient.DepCallException(Token.overdue(kind, started, n));
                }
            };
            DepClient.FetchAll changes = full ? client.fetchAllDevices(FETCH_PAGE, progress)
                    : client.syncAllDevices(cursor, FETCH_PAGE, progress);
            List<String> toAssign = new ArrayList<>();
            progress.page(changes.devices().size()); // the last page may have come after the deadline
            synchronized (tokens) {
                Set<String> seen = new LinkedHashSet<>();
                for (DepDevice d : changes.devices()) {
                    String serial = d.serialNumber();
                    if (serial == null || serial.isEmpty()) {
                        continue;
                    }
                    if (d.opType() == OpType.DELETED) {
                        token.markRemoved(serial, clock.now());
                    } else if (!full && token.deletedHere.contains(serial)) {
                        continue;
                    } else {
                        token.deletedHere.remove(serial);
                        seen.add(serial);
                        token.removedFromAbm.remove(serial);
                        token.removedAt.remove(serial);
                        if (token.serials.add(serial) || !token.assigned.contains(serial)) {
                            toAssign.add(serial);
                        }
                    }
                }
                if (full) {
                    for (String serial : List.copyOf(token.serials)) {
                        if (!seen.contains(serial)) {
                            token.markRemoved(serial, clock.now());
                        }
                    }
                }
                token.purge(clock.now());
            }
            String profileUuid;
            synchronized (tokens) {
                profileUuid = token.profileUuid;
            }
            if (profileUuid == null) {
                profileUuid = client.defineProfile(profiles.defaultDepProfile(token));
                synchronized (tokens) {
                    token.profileUuid = profileUuid;
                }
            }
            List<String> distinct = toAssign.stream().distinct().toList();
            String abmUuid;
            synchronized (tokens) {
                abmUuid = token.abmUuidOf.getOrDefault(profileUuid, profileUuid);
            }
            Map<String, DeviceResult> results = distinct.isEmpty() ? Map.of()
                    : client.assignProfile(abmUuid, distinct);
            progress.page(changes.devices().size());
            synchronized (tokens) {
                results.forEach((serial, result) -> {
                    if (result == DeviceResult.SUCCESS && token.serials.contains(serial)) {
                        token.assigned.add(serial);
                    }
                });
                token.cursor = changes.cursor();
                token.syncState = Token.SyncState.SYNCED;
                token.lastError = null;
                token.lastSyncAt = clock.now();
                token.lastSyncKind = full ? "full" : "delta";
                if (full) {
                    token.lastFullSyncAt = started;
                    token.nextFull = false;
                }
                token.syncs++;
                if (token.failedInARow > 0) {
                    LOG.log(INFO, "DEP token {0} syncs again after {1} failed rounds", token.name, token.failedInARow);
                }
                token.failedInARow = 0;
            }
            registry.persist(token); // the cursor with what it brought
            events.emit("dep.sync.completed", null, "token", token.name, "kind", full ? "full" : "delta",
                    "changes", changes.devices().size(), "assigned", distinct.size());
            long refused = results.values().stream().filter(r -> r != DeviceResult.SUCCESS).count();
            if (refused > 0) {
                LOG.log(WARNING, "DEP token {0}: {1} of {2} assignments refused: {3}", token.name, refused,
                        results.size(), summary(results));
            }
            LOG.log(full || !distinct.isEmpty() ? INFO : DEBUG,
                    "DEP token {0} {1}: {2} device changes, {3} newly assigned (profile {4})", token.name,
                    full ? "fetched" : "synced", changes.devices().size(), distinct.size(), profileUuid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(token, round, "interrupted (server closing)");
        } catch (DepClient.DepCallException e) {
            LOG.log(failureLevel(token), "DEP token {0} sync failed: {1}; next try in {2}", token.name,
                    e.getMessage(), SyncScheduler.nextSyncIn(syncInterval, token.failedInARow + 1));
            failed(token, round, e.getMessage());
        } catch (IOException e) {
            LOG.log(failureLevel(token), "DEP token {0} sync failed: {1}; next try in {2}", token.name, e.toString(),
                    SyncScheduler.nextSyncIn(syncInterval, token.failedInARow + 1));
            failed(token, round, "DEP API " + token.depUrl + " unreachable: " + e);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "DEP token " + token.name + " sync failed", e);
            failed(token, round, e.toString());
        } finally {
            token.syncLock.unlock();
        }
    }

    /** A warning for the first failure in a row, debug after: a broken link does not flood the log. */
    private System.Logger.Level failureLevel(Token token) {
        synchronized (tokens) {
            return token.failedInARow == 0 ? WARNING : DEBUG;
        }
    }

    private void failed(Token token, long round, String msg) {
        synchronized (tokens) {
            if (round != -1 && token.round != round) {
                return; // this round already ran out of time (expireOverdue); a later one owns the state
            }
            token.failedInARow++;
            token.nextFull = true; // the seeds: if a sync fails for any reason, the next sync is a full sync
            token.syncState = Token.SyncState.FAILED;
            token.lastError = msg;
            token.lastSyncAt = clock.now();
        }
        try {
            registry.persist(token);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "DEP token {0}: the failed sync could not be stored: {1}", token.name, e.getMessage());
        }
    }

    private static String summary(Map<String, DeviceResult> results) {
        Map<DeviceResult, Integer> counts = new LinkedHashMap<>();
        results.values().forEach(v -> counts.merge(v, 1, Integer::sum));
        return counts.toString();
    }
}
