package io.mdmsim.abm.dep;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.settings.AbmSettings;
import io.mdmsim.abm.state.AbmState;
import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.OAuthException;
import io.mdmsim.core.dep.OAuthParams;
import io.mdmsim.core.security.Secrets;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * DEP authentication (Apple's "Authenticating for Automated Device Enrollment"): OAuth 1.0a on {@code GET /session}
 * against the MDM server's current token, then an auth session token that every other call presents in {@code
 * X-ADM-Auth-Session}. Sessions may be rotated (a new token in a response, the old one then refused) and dropped on
 * purpose (the session-loss fault).
 */
public final class DepAuth {

    private static final System.Logger LOG = System.getLogger(DepAuth.class.getName());
    private static final int MAX_LOST = 100_000;

    /** A session: which server, issued from which of its tokens, valid until when, used how often. */
    private static final class Session {
        final String serverName;
        final long tokenGeneration;
        final Instant expires;
        long requests;

        Session(String serverName, long tokenGeneration, Instant expires) {
            this.serverName = serverName;
            this.tokenGeneration = tokenGeneration;
            this.expires = expires;
        }
    }

    /** An authorized call: the server, and the session token to use from now on if this call rotated it. */
    record Authorized(AbmState.ServerView server, String rotatedSession) {
    }

    private final AbmState state;
    private final Duration window;
    private final Supplier<AbmSettings.Values> settings;
    private final Map<String, Session> sessions = new HashMap<>();
    /** Tokens dropped by the session-loss fault, and the status they now get (401 or 403). */
    private final Map<String, Integer> lost = new LinkedHashMap<>();
    /** Nonces seen within the timestamp window, keyed by consumer key, timestamp and nonce; value: the timestamp. */
    private final Map<String, Instant> nonces = new HashMap<>();
    private int noncesSinceSweep;

    public DepAuth(AbmState state, Duration window, Supplier<AbmSettings.Values> settings) {
        this.state = requireNonNull(state, "state");
        this.window = requireNonNull(window, "window");
        this.settings = requireNonNull(settings, "settings");
    }

    /**
     * Verifies an OAuth {@code Authorization} header of {@code GET /session} and opens a session.
     *
     * @param signedUris the URIs the client may have signed (the request URL as this server sees it); any that
     *                   verifies will do
     * @return the auth session token
     */
    synchronized String openSession(String authorization, String method, List<URI> signedUris) {
        if (authorization == null || authorization.isBlank()) {
            throw DepException.unauthorized("no Authorization header (expected: OAuth 1.0a, HMAC-SHA1)");
        }
        OAuthParams p;
        try {
            p = OAuth1.parse(authorization);
        } catch (OAuthException e) {
            throw DepException.badRequest("BAD_REQUEST", e.getMessage());
        }
        Instant now = state.now();
        AbmState.ServerView server = state.serverByConsumerKey(p.consumerKey());
        if (server == null) {
            throw DepException.unauthorized("unknown consumer key " + abbreviate(p.consumerKey())
                    + " (not the current token of any MDM server; a newer token download replaces the old one)");
        }
        AbmState.OAuthKeys keys = server.keys();
        if (!keys.accessToken().equals(p.token())) {
            throw DepException.unauthorized("oauth_token does not belong to consumer key " + abbreviate(p.consumerKey()));
        }
        if (!now.isBefore(keys.expiry())) {
            throw DepException.unauthorized("token of MDM server " + server.name() + " expired at " + keys.expiry()
                    + " (server tokens are valid for a year; download a new one)");
        }
        Instant timestamp = Instant.ofEpochSecond(p.timestamp());
        if (Duration.between(timestamp, now).abs().compareTo(window) > 0) {
            throw DepException.unauthorized("oauth_timestamp " + p.timestamp() + " (" + timestamp + ") is more than "
                    + window.toMinutes() + " minutes from now (" + now + ")");
        }
        boolean verified = signedUris.stream()
                .anyMatch(uri -> OAuth1.verify(p, method, uri, keys.consumerSecret(), keys.accessSecret()));
        if (!verified) {
            throw DepException.unauthorized("oauth_signature does not match (signed URL expected: " + signedUris.getFirst() + ")");
        }
        String nonceKey = p.consumerKey() + '\n' + p.timestamp() + '\n' + p.nonce();
        if (nonces.putIfAbsent(nonceKey, timestamp) != null) {
            throw DepException.unauthorized("oauth_nonce " + p.nonce() + " was already used with timestamp " + p.timestamp());
        }
        requireTerms(server);
        sweep(now);
        String token = newSession(server, now);
        LOG.log(System.Logger.Level.DEBUG, "DEP session opened for MDM server {0}", server.name());
        return token;
    }

    /**
     * The MDM server of a valid session, or 401 UNAUTHORIZED (403 FORBIDDEN for a session dropped that way). Counts
     * the call; every {@code sessionRotateEvery}-th call of a session rotates it.
     */
    synchronized Authorized authorize(String sessionToken) {
        if (sessionToken == null || sessionToken.isBlank()) {
            throw DepException.unauthorized("no X-ADM-Auth-Session header (get one from GET /session)");
        }
        Session s = sessions.get(sessionToken);
        if (s == null) {
            Integer status = lost.get(sessionToken);
            if (status != null && status == 403) {
                throw new DepException(403, "FORBIDDEN", "X-ADM-Auth-Session was dropped by the session-loss fault");
            }
            throw DepException.unauthorized(status != null
                    ? "X-ADM-Auth-Session was dropped by the session-loss fault (get a new one from GET /session)"
                    : "unknown X-ADM-Auth-Session (get a new one from GET /session)");
        }
        Instant now = state.now();
        if (!now.isBefore(s.expires)) {
            sessions.remove(sessionToken);
            throw DepException.unauthorized("X-ADM-Auth-Session expired at " + s.expires + " (get a new one from GET /session)");
        }
        AbmState.ServerView server = state.server(s.serverName);
        if (server == null || server.tokenGeneration() != s.tokenGeneration) {
            sessions.remove(sessionToken);
            throw DepException.unauthorized("X-ADM-Auth-Session belongs to a token that was replaced by a newer download");
        }
        requireTerms(server);
        s.requests++;
        int every = settings.get().sessionRotateEvery();
        String rotated = null;
        if (every > 0 && s.requests % every == 0) {
            sessions.remove(sessionToken);
            rotated = newSession(server, now);
            LOG.log(System.Logger.Level.DEBUG, "DEP session of MDM server {0} rotated", server.name());
        }
        return new Authorized(server, rotated);
    }

    /** The MDM server a session token belongs to, or null; no side effects (for the rate limiter). */
    public synchronized String serverOf(String sessionToken) {
        Session s = sessionToken == null ? null : sessions.get(sessionToken);
        return s == null ? null : s.serverName;
    }

    /**
     * Drops every session of a server (all servers if null), as if Apple had lost them; later calls with them get
     * {@code status} (401 UNAUTHORIZED or 403 FORBIDDEN). Returns how many were dropped.
     */
    public synchronized int dropSessions(String serverName, int status) {
        if (status != 401 && status != 403) {
            throw new IllegalArgumentException("status: " + status + " (expected: 401 or 403)");
        }
        int n = 0;
        for (Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Session> e = it.next();
            if (serverName == null || serverName.equals(e.getValue().serverName)) {
                lost.put(e.getKey(), status);
                it.remove();
                n++;
            }
        }
        while (lost.size() > MAX_LOST) {
            lost.remove(lost.keySet().iterator().next());
        }
        return n;
    }

    private String newSession(AbmState.ServerView server, Instant now) {
        String token = Secrets.hex(32);
        sessions.put(token, new Session(server.name(), server.tokenGeneration(), now.plus(settings.get().sessionTtl())));
        return token;
    }

    private static void requireTerms(AbmState.ServerView server) {
        if (!server.termsAccepted()) {
            throw new DepException(403, "T_C_NOT_SIGNED", "organization " + server.organization().orgId()
                    + " has not accepted the latest terms and conditions (admin: POST /admin/organizations/{id}/terms)");
        }
    }

    private void sweep(Instant now) {
        if (++noncesSinceSweep < 1024) {
            return;
        }
        noncesSinceSweep = 0;
        Instant oldest = now.minus(window);
        for (Iterator<Instant> it = nonces.values().iterator(); it.hasNext(); ) {
            if (it.next().isBefore(oldest)) {
                it.remove();
            }
        }
        sessions.values().removeIf(s -> !now.isBefore(s.expires));
    }

    private static String abbreviate(String key) {
        return key == null ? "null" : key.length() <= 12 ? key : key.substring(0, 12) + "…";
    }
}
