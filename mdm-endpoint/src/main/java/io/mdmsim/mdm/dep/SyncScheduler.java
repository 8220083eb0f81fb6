package io.mdmsim.mdm.dep;

import static io.mdmsim.mdm.dep.Token.str;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.events.EventLog;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The DEP sync scheduler: when each token's rounds run. In the background on the clock's timers, a round every sync
 * interval of simulated time after the previous one ends (longer after failed rounds); on the admin's Sync button at
 * most once per 15 minutes and a full sync at most once per 7 days (seeds); after a restart, the next round when the
 * interval since the last one is over.
 */
final class SyncScheduler {

    static final Duration FULL_SYNC_MIN = Duration.ofDays(7);
    static final Duration MANUAL_SYNC_MIN = Duration.ofMinutes(15);
    static final Duration MAX_FAILURE_BACKOFF = Duration.ofHours(1);

    private final TokenRegistry registry;
    private final Map<String, Token> tokens;
    private final SyncEngine engine;
    private final SimClock clock;
    private final Duration syncInterval;
    private final EventLog events;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    SyncScheduler(TokenRegistry registry, SyncEngine engine, SimClock clock, Duration syncInterval, EventLog events) {
        this.registry = requireNonNull(registry, "registry");
        this.tokens = registry.tokens;
        this.engine = requireNonNull(engine, "engine");
        this.clock = requireNonNull(clock, "clock");
        this.syncInterval = requireNonNull(syncInterval, "syncInterval");
        this.events = requireNonNull(events, "events");
    }

    /**
     * Starts the background sync of every token loaded from the store: a token that synced goes on with a delta sync
     * once the interval since its last sync is over; one that never finished a round syncs at once.
     */
    void resume() {
        List<Token> loaded = registry.all();
        Instant now = clock.now();
        for (Token t : loaded) {
            Duration wait = Duration.ZERO;
            synchronized (tokens) {
                if (t.syncState == Token.SyncState.SYNCED && t.cursor != null && t.lastSyncAt != null) {
                    Duration since = Duration.between(t.lastSyncAt, now);
                    wait = since.compareTo(syncInterval) >= 0 ? Duration.ZERO : syncInterval.minus(since);
                }
            }
            start(t, wait);
        }
    }

    /**
     * The token's background sync on the clock's timers: a round after {@code first}, then the next one a sync interval
     * of simulated time after the previous round ends (longer after failed rounds, see {@link #nextSyncIn}), until the
     * token is removed.
     */
    void start(Token token, Duration first) {
        token.syncTimer = clock.schedule(first, () -> backgroundRound(token));
    }

    private void backgroundRound(Token token) {
        if (token.removed) {
            token.retire();
            return;
        }
        engine.round(token, false);
        int failed;
        synchronized (tokens) {
            failed = token.failedInARow;
        }
        if (!token.removed) {
            token.syncTimer = clock.schedule(nextSyncIn(syncInterval, failed), () -> backgroundRound(token));
        }
    }

    /** After failed rounds, at least 1, 2, 4 ... minutes up to an hour (simulated), never less than the interval. */
    static Duration nextSyncIn(Duration interval, int failedInARow) {
        if (failedInARow <= 0) {
            return interval;
        }
        Duration backoff = Duration.ofMinutes(1L << Math.min(failedInARow - 1, 6));
        backoff = backoff.compareTo(MAX_FAILURE_BACKOFF) > 0 ? MAX_FAILURE_BACKOFF : backoff;
        return backoff.compareTo(interval) > 0 ? backoff : interval;
    }

    /**
     * A manual sync (the admin's Sync button): at most once per 15 minutes, never while a sync runs; a full sync at
     * most once per 7 days. A refusal says when the next one is allowed.
     *
     * @return empty if there is no such token
     */
    Optional<Map<String, Object>> syncNow(String name, boolean full) {
        Token token;
        synchronized (tokens) {
            token = tokens.get(name);
            if (token == null) {
                return Optional.empty();
            }
            Instant now = clock.now();
            registry.expireOverdue(token);
            if (token.syncState == Token.SyncState.SYNCING || token.syncState == Token.SyncState.PENDING) {
                throw refusal(409, "a sync of token " + name + " is running (started "
                        + str(token.syncStartedAt) + "); the Sync button is disabled until it completes", null);
            }
            if (token.lastManualSyncAt != null && now.isBefore(token.lastManualSyncAt.plus(MANUAL_SYNC_MIN))) {
                Instant next = token.lastManualSyncAt.plus(MANUAL_SYNC_MIN);
                throw refusal(429, "a manual sync of token " + name + " is allowed at most once every 15 minutes"
                        + " (last at " + token.lastManualSyncAt + "); next allowed at " + next, next);
            }
            if (full && token.lastFullSyncAt != null && now.isBefore(token.lastFullSyncAt.plus(FULL_SYNC_MIN))) {
                Instant next = token.lastFullSyncAt.plus(FULL_SYNC_MIN);
                throw refusal(429, "a full sync of token " + name + " runs at most once every 7 days (last at "
                        + token.lastFullSyncAt + "); next allowed at " + next, next);
            }
            token.lastManualSyncAt = now;
            token.syncState = Token.SyncState.SYNCING;
            token.syncStartedAt = now;
        }
        registry.persist(token); // the 15-minute rule holds across a restart
        events.emit("dep.sync.requested", null, "token", name, "full", full);
        executor.submit(() -> engine.round(token, full));
        synchronized (tokens) {
            return Optional.of(token.json());
        }
    }

    private static HttpError refusal(int status, String message, Instant nextAllowed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("nextAllowedAt", str(nextAllowed));
        return new HttpError(status, "application/json", Json.write(body));
    }

    /** No more manual rounds; running ones are interrupted. */
    void close() {
        executor.shutdownNow();
    }
}
