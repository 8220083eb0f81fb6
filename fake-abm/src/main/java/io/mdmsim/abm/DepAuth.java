package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.OAuthException;
import io.mdmsim.core.dep.OAuthParams;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * DEP authentication (PROTOCOL.md §1.2, §1.3): OAuth 1.0a on {@code GET /session} against the MDM server's current
 * token, then an auth session token that every other call presents in {@code X-ADM-Auth-Session}.
 */
final class DepAuth {

    private static final System.Logger LOG = System.getLogger(DepAuth.class.getName());

    /** A session: which server, issued from which of its tokens, valid until when. */
    private record Session(String serverName, long tokenGeneration, Instant expires) {
    }

    private final AbmState state;
    private final SeededRandom random;
    private final Duration window;
    private final Duration sessionTtl;
    private final Map<String, Session> sessions = new HashMap<>();
    /** Nonces seen within the timestamp window, keyed by consumer key, timestamp and nonce; value: the timestamp. */
    private final Map<String, Instant> nonces = new HashMap<>();
    private int noncesSinceSweep;

    DepAuth(AbmState state, SeededRandom random, Duration window, Duration sessionTtl) {
        this.state = requireNonNull(state, "state");
        this.random = requireNonNull(random, "random");
        this.window = requireNonNull(window, "window");
        this.sessionTtl = requireNonNull(sessionTtl, "sessionTtl");
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
            throw DepException.unauthorized("token of MDM server " + server.name() + " expired at " + keys.expiry());
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
        sweepNonces(now);
        String token = random.hex(32);
        sessions.put(token, new Session(server.name(), server.tokenGeneration(), now.plus(sessionTtl)));
        LOG.log(System.Logger.Level.DEBUG, "DEP session opened for MDM server {0}", server.name());
        return token;
    }

    /** The MDM server of a valid session, or 401 UNAUTHORIZED. */
    synchronized AbmState.ServerView authorize(String sessionToken) {
        if (sessionToken == null || sessionToken.isBlank()) {
            throw DepException.unauthorized("no X-ADM-Auth-Session header (get one from GET /session)");
        }
        Session s = sessions.get(sessionToken);
        if (s == null) {
            throw DepException.unauthorized("unknown X-ADM-Auth-Session (get a new one from GET /session)");
        }
        Instant now = state.now();
        if (!now.isBefore(s.expires())) {
            sessions.remove(sessionToken);
            throw DepException.unauthorized("X-ADM-Auth-Session expired at " + s.expires() + " (get a new one from GET /session)");
        }
        AbmState.ServerView server = state.server(s.serverName());
        if (server == null || server.tokenGeneration() != s.tokenGeneration()) {
            sessions.remove(sessionToken);
            throw DepException.unauthorized("X-ADM-Auth-Session belongs to a token that was replaced by a newer download");
        }
        return server;
    }

    private void sweepNonces(Instant now) {
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
        sessions.values().removeIf(s -> !now.isBefore(s.expires()));
    }

    private static String abbreviate(String key) {
        return key == null ? "null" : key.length() <= 12 ? key : key.substring(0, 12) + "…";
    }
}
