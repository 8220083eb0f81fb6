package io.mdmsim.abm.apns;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.abm.ApnsConfig;
import io.mdmsim.abm.state.SeededRandom;
import io.mdmsim.core.http.EventStream;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.security.Secrets;
import io.mdmsim.core.time.SimClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The fake APNs: device tokens, the devices' connections with their event streams, delivery and Apple's coalescing
 * (docs/fake-abm.md "Fake APNs"). Thread-safe; memory is bounded by {@link ApnsConfig#maxTokens()} (at most one
 * stored push per token) and {@link ApnsConfig#maxConnections()}.
 *
 * <p>A token is online when it belongs to a connection whose event stream is open. A push to an online token is
 * written to that stream at once; to an offline one it is stored, replacing any stored before (only the last push is
 * kept), until its {@code apns-expiration} on the {@link SimClock}; {@code apns-expiration: 0} is dropped instead. A
 * token coming online gets its stored push if it has not expired.
 */
public final class ApnsService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ApnsService.class.getName());
    static final String UID_OID = "0.9.2342.19200300.100.1.1";
    private static final int MAX_PROVIDERS = 1000;
    private static final int MAX_DEVICE_ID_LENGTH = 256;
    /** The header that carries a token's key on the device side ({@code PUT}, {@code GET}, {@code DELETE} of a token). */
    public static final String KEY_HEADER = "Apns-Token-Key";

    private final ApnsConfig config;
    private final SimClock clock;
    private final long seed;
    private final SeededRandom random;
    private final SplittableRandom faultRandom;
    private final ScheduledExecutorService ticker;

    private final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Token> byDevice = new ConcurrentHashMap<>();
    private final Object issueLock = new Object();
    private final LinkedHashMap<String, Released> released = new LinkedHashMap<>(); // guarded by issueLock
    private final ConcurrentHashMap<String, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final Map<String, Provider> providers = new LinkedHashMap<>(); // guarded by itself
    private final Deque<ApnsReason> faultScript = new ArrayDeque<>(); // guarded by itself
    private volatile Fault faultRate;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder stored = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder unregistered = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder tokensIssued = new LongAdder();
    private final LongAdder tokensReleased = new LongAdder();

    public ApnsService(ApnsConfig config, SimClock clock, long seed) {
        this.config = requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        this.seed = seed;
        this.random = new SeededRandom(seed ^ 0x41504E53L); // its own stream: does not shift the ABM's values
        this.faultRandom = new SplittableRandom(seed ^ 0x4641554CL);
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("fake-apns-keepalive").factory());
        long every = config.keepaliveInterval().toMillis();
        ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------------------------------------- state types

    /** A device token. Fields other than the final ones are guarded by the instance. */
    private static final class Token {
        final String value;
        final String deviceId;
        /** Given only to the device that proved its identity: moving, reading or releasing the token needs it. */
        final String key;
        final Instant issuedAt;
        String topic;
        Connection connection;
        Stored pending;
        boolean released;

        Token(String value, String deviceId, String topic, Instant issuedAt) {
            this.value = value;
            this.deviceId = deviceId;
            this.key = Secrets.hex(32);
            this.topic = topic;
            this.issuedAt = issuedAt;
        }
    }

    private record Stored(ApnsPush push, Instant until) {
    }

    private record Released(String deviceId, Instant at) {
    }

    private record Fault(ApnsReason reason, double rate) {
    }

    /** One device-side connection: a set of member tokens and, once opened, an event stream. */
    private static final class Connection {
        final String id;
        final long createdNanos = System.nanoTime();
        final Set<Token> members = ConcurrentHashMap.newKeySet();
        volatile EventStream stream;
        volatile boolean closed;

        Connection(String id) {
            this.id = id;
        }

        boolean attached() {
            EventStream s = stream;
            return !closed && s != null && s.isOpen();
        }
    }

    /** Thrown for a refused device-side or admin request; the handlers answer it with readable text. */
    public static final class DeviceApiError extends RuntimeException {
        private final int status;

        DeviceApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    // ------------------------------------------------------------------------------------------------- tokens

    /** What {@code POST /apns/v1/tokens} answers. */
    public record IssuedToken(String token, String deviceId, String topic, String key, boolean created) {
    }

    /** A token and the key its device got with it, as a connection names its members. */
    public record TokenKey(String token, String key) {
    }

    /**
     * The token of {@code deviceId}: the one it holds if any (its topic updated when one is given), else a new one.
     * Tokens are derived from the seed and the device id, so a run with the same seed gives the same tokens; the
     * caller has checked that the request comes from that device ({@link DeviceSignature}). The answer carries the
     * token's key (from {@code SecureRandom}): every later use of the token on the device side needs it.
     */
    public IssuedToken issueToken(String deviceId, String topic) {
        checkTokenRequest(deviceId, topic);
        synchronized (issueLock) {
            Token existing = byDevice.get(deviceId);
            if (existing != null) {
                synchronized (existing) {
                    if (topic != null) {
                        existing.topic = topic;
                    }
                    return new IssuedToken(existing.value, deviceId, existing.topic, existing.key, false);
                }
            }
            if (tokens.size() >= config.maxTokens()) {
                throw new DeviceApiError(503, "token limit reached: " + config.maxTokens()
                        + " tokens issued (expected: release tokens first, or raise apns maxTokens)");
            }
            String value = newToken(deviceId);
            Token token = new Token(value, deviceId, topic, clock.now());
            released.remove(value);
            tokens.put(value, token);
            byDevice.put(deviceId, token);
            tokensIssued.increment();
            return new IssuedToken(value, deviceId, topic, token.key, true);
        }
    }

    /** The checks of a token request that come before its signature's: a 400 names the field. */
    public void checkTokenRequest(String deviceId, String topic) {
        if (deviceId == null || deviceId.isBlank() || deviceId.length() > MAX_DEVICE_ID_LENGTH) {
            throw new DeviceApiError(400, "deviceId: " + (deviceId == null ? "missing" : "'" + deviceId + "'")
                    + " (expected: the device's UDID, 1.." + MAX_DEVICE_ID_LENGTH + " characters)");
        }
        if (topic != null && (topic.isBlank() || topic.length() > ApnsPush.MAX_TOPIC_LENGTH)) {
            throw new DeviceApiError(400, "topic: '" + topic + "' (expected: the MDM push topic, 1.."
                    + ApnsPush.MAX_TOPIC_LENGTH + " characters, or no topic)");
        }
    }

    private String newToken(String deviceId) {
        for (int generation = 0; ; generation++) {
            String candidate = hash("mdmsim-apns-token\0" + seed + "\0" + deviceId + "\0" + generation);
            if (!tokens.containsKey(candidate) && !released.containsKey(candidate)) {
                return candidate;
            }
        }
    }

    /** Erase or unenroll: later pushes to the token get 410 Unregistered. Only its device (with its key) may. */
    public void releaseToken(String value, String key) {
        String tokenValue = tokenPathParam(value);
        synchronized (issueLock) {
            Token token = tokens.get(tokenValue);
            if (token == null) {
                throw new DeviceApiError(404, "token " + tokenValue + " is not issued (expected: a token from POST "
                        + "/apns/v1/tokens that has not been released)");
            }
            requireKey(token, key);
            tokens.remove(tokenValue);
            byDevice.remove(token.deviceId, token);
            Instant at = clock.now();
            synchronized (token) {
                token.released = true;
                if (token.connection != null) {
                    token.connection.members.remove(token);
                    token.connection = null;
                }
                token.pending = null;
            }
            released.put(tokenValue, new Released(token.deviceId, at));
            while (released.size() > config.maxTokens()) {
                released.remove(released.keySet().iterator().next());
            }
            tokensReleased.increment();
        }
    }

    /** {@code GET /apns/v1/tokens/{token}}, for its device (with its key): it names the connection. */
    public Map<String, Object> tokenStatus(String value, String key) {
        Token token = issued(tokenPathParam(value));
        requireKey(token, key);
        synchronized (token) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("token", token.value);
            out.put("deviceId", token.deviceId);
            out.put("topic", token.topic);
            out.put("issuedAt", token.issuedAt.toString());
            out.put("online", token.connection != null && token.connection.attached());
            out.put("connection", token.connection == null ? null : token.connection.id);
            out.put("pending", token.pending == null ? null : Map.of("apnsId", token.pending.push().apnsId(),
                    "until", token.pending.until().toString()));
            return out;
        }
    }

    private Token issued(String value) {
        Token token = tokens.get(value);
        if (token == null) {
            throw new DeviceApiError(404, "token " + value + " is not issued (expected: a token from POST "
                    + "/apns/v1/tokens that has not been released)");
        }
        return token;
    }

    /** The token's key, compared in constant time; without it nobody can move, read or release a device's token. */
    private static void requireKey(Token token, String key) {
        if (key == null || key.isEmpty()) {
            throw new DeviceApiError(403, "token " + token.value + ": no key (expected: the key POST /apns/v1/tokens"
                    + " gave the token's device, in " + KEY_HEADER + " or the connection's tokens[].key)");
        }
        if (!java.security.MessageDigest.isEqual(key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                token.key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw new DeviceApiError(403, "token " + token.value + ": wrong key (expected: the key POST"
                    + " /apns/v1/tokens gave the token's device; a token is moved, read or released only by its device)");
        }
    }

    private static String tokenPathParam(String value) {
        String lower = value == null ? "" : value.toLowerCase(java.util.Locale.ROOT);
        if (!ApnsPush.TOKEN.matcher(lower).matches()) {
            throw new DeviceApiError(400, "token: '" + value + "' (expected: 64 hex digits)");
        }
        return lower;
    }

    // -------------------------------------------------------------------------------------------- connections

    /** A new connection holding {@code tokenKeys}' tokens; they come online when its event stream opens. */
    public String openConnection(List<TokenKey> tokenKeys) {
        List<Token> members = new ArrayList<>();
        for (TokenKey v : tokenKeys) {
            Token t = tokens.get(tokenPathParam(v.token()));
            if (t == null) {
                throw new DeviceApiError(400, "tokens: " + v.token() + " is not issued (expected: tokens from POST "
                        + "/apns/v1/tokens that have not been released)");
            }
            requireKey(t, v.key());
            members.add(t);
        }
        if (connectionCount.incrementAndGet() > config.maxConnections()) {
            connectionCount.decrementAndGet();
            throw new DeviceApiError(503, "connection limit reached: " + config.maxConnections()
                    + " (expected: fewer connections, each holding many tokens)");
        }
        Connection connection = new Connection(Secrets.hex(16));
        connections.put(connection.id, connection);
        for (Token t : members) {
            join(t, connection);
        }
        return connection.id;
    }

    /** Throws what {@link #attach} would, without attaching. */
    public void checkAttachable(String connectionId) {
        Connection connection = connection(connectionId);
        if (connection.stream != null) {
            throw alreadyAttached(connectionId);
        }
    }

    private static DeviceApiError alreadyAttached(String connectionId) {
        return new DeviceApiError(409, "connection " + connectionId + " already has its event stream "
                + "(expected: one GET .../events per connection; open a new connection to reconnect)");
    }

    /** Gives the connection its event stream: its tokens are online from now until the stream closes. */
    public void attach(String connectionId, EventStream stream) {
        Connection connection = connection(connectionId);
        synchronized (connection) {
            if (connection.stream != null) {
                throw alreadyAttached(connectionId);
            }
            connection.stream = stream;
        }
        stream.whenClosed().thenRun(() -> drop(connection));
        for (Token t : connection.members) {
            synchronized (t) {
                if (t.connection == connection) {
                    deliverPending(t, connection);
                }
            }
        }
    }

    /** The device of {@code tokenValue} is online on this connection (moved from any other): it needs its key. */
    public void online(String connectionId, String tokenValue, String key) {
        Connection connection = connection(connectionId);
        Token token = issued(tokenPathParam(tokenValue));
        requireKey(token, key);
        join(token, connection);
        if (connection.closed) {
            leave(token, connection);
            throw new DeviceApiError(404, "connection " + connectionId + " is closed (expected: an open connection)");
        }
    }

    /** The device of {@code tokenValue} went away (sleep, reboot, no network). */
    public void offline(String connectionId, String tokenValue) {
        Connection connection = connection(connectionId);
        Token token = issued(tokenPathParam(tokenValue));
        leave(token, connection);
    }

    /** Ends the connection: its event stream is closed and all its tokens go offline. */
    public void closeConnection(String connectionId) {
        Connection connection = connection(connectionId);
        EventStream stream = connection.stream;
        if (stream != null) {
            stream.close();
        }
        drop(connection);
    }

    private Connection connection(String id) {
        Connection connection = id == null ? null : connections.get(id);
        if (connection == null) {
            throw new DeviceApiError(404, "connection " + id + " does not exist (expected: an id from POST "
                    + "/apns/v1/connections whose event stream has not closed)");
        }
        return connection;
    }

    private void join(Token token, Connection connection) {
        synchronized (token) {
            if (token.released) {
                throw new DeviceApiError(404, "token " + token.value + " was released");
            }
            if (token.connection != connection) {
                if (token.connection != null) {
                    token.connection.members.remove(token);
                }
                token.connection = connection;
                connection.members.add(token);
            }
            deliverPending(token, connection);
        }
    }

    private void leave(Token token, Connection connection) {
        synchronized (token) {
            connection.members.remove(token);
            if (token.connection == connection) {
                token.connection = null;
            }
        }
    }

    private void drop(Connection connection) {
        synchronized (connection) {
            if (connection.closed) {
                return;
            }
            connection.closed = true;
        }
        if (connections.remove(connection.id, connection)) {
            connectionCount.decrementAndGet();
        }
        for (Token t : connection.members) {
            leave(t, connection);
        }
    }

    /** Caller holds the token's lock. */
    private void deliverPending(Token token, Connection connection) {
        Stored pending = token.pending;
        if (pending == null || !connection.attached()) {
            return;
        }
        if (!clock.now().isBefore(pending.until())) {
            token.pending = null;
            expired.increment();
            return;
        }
        if (send(connection, token, pending.push())) {
            token.pending = null;
            delivered.increment();
        }
    }

    private boolean send(Connection connection, Token token, ApnsPush push) {
        EventStream stream = connection.stream;
        if (stream == null) {
            return false;
        }
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("token", token.value);
        event.put("apnsId", push.apnsId());
        event.put("topic", push.topic());
        event.set("payload", push.payload());
        return stream.event("push", event.toString());
    }

    // ---------------------------------------------------------------------------------------------- providers

    /**
     * Records the provider's client certificate (if any) and checks it: not valid on the SimClock -> BadCertificate;
     * a UID (the push topic of an Apple MDM push certificate) other than {@code topic} -> TopicDisallowed.
     */
    public void checkProvider(List<X509Certificate> chain, String topic) {
        if (chain.isEmpty()) {
            return;
        }
        X509Certificate cert = chain.get(0);
        String uid = uid(cert.getSubjectX500Principal());
        Instant now = clock.now();
        String fingerprint = fingerprint(cert);
        synchronized (providers) {
            Provider p = providers.get(fingerprint);
            if (p == null) {
                if (providers.size() >= MAX_PROVIDERS) {
                    providers.remove(providers.keySet().iterator().next());
                }
                p = new Provider(fingerprint, cert, uid, now);
                providers.put(fingerprint, p);
            }
            p.lastSeen = now;
            p.requests++;
        }
        try {
            cert.checkValidity(Date.from(now));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new ApnsPush.Rejection(ApnsReason.BAD_CERTIFICATE, "client certificate "
                    + cert.getSubjectX500Principal().getName() + " is not valid at " + now + " (valid "
                    + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant() + ")");
        }
        if (uid != null && !uid.equals(topic)) {
            throw new ApnsPush.Rejection(ApnsReason.TOPIC_DISALLOWED, "apns-topic " + topic + " is not the topic of "
                    + "the client certificate (UID " + uid + ")");
        }
    }

    /** The UID attribute (OID 0.9.2342.19200300.100.1.1) of a subject, or null. */
    public static String uid(X500Principal subject) {
        try {
            LdapName name = new LdapName(subject.getName(X500Principal.RFC2253, Map.of(UID_OID, "UID")));
            for (Rdn rdn : name.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("UID") || rdn.getType().equals(UID_OID)) {
                    Object value = rdn.getValue();
                    return value instanceof String s ? s : null;
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private static final class Provider {
        final String fingerprint;
        final String subject;
        final String issuer;
        final String serial;
        final String topic;
        final Instant notAfter;
        final Instant firstSeen;
        Instant lastSeen;
        long requests;

        Provider(String fingerprint, X509Certificate cert, String topic, Instant firstSeen) {
            this.fingerprint = fingerprint;
            this.subject = cert.getSubjectX500Principal().getName();
            this.issuer = cert.getIssuerX500Principal().getName();
            this.serial = cert.getSerialNumber().toString(16);
            this.topic = topic;
            this.notAfter = cert.getNotAfter().toInstant();
            this.firstSeen = firstSeen;
        }
    }

    /** The client certificates providers presented, newest first seen last. */
    public List<Map<String, Object>> providers() {
        synchronized (providers) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Provider p : providers.values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("subject", p.subject);
                m.put("topic", p.topic);
                m.put("issuer", p.issuer);
                m.put("serial", p.serial);
                m.put("sha256", p.fingerprint);
                m.put("notAfter", p.notAfter.toString());
                m.put("firstSeen", p.firstSeen.toString());
                m.put("lastSeen", p.lastSeen.toString());
                m.put("requests", p.requests);
                out.add(m);
            }
            return out;
        }
    }

    // --------------------------------------------------------------------------------------------------- push

    /** A new apns-id for a request without one. */
    public UUID newApnsId() {
        return random.uuid();
    }

    /**
     * Accepts a checked push: delivers it, stores it (coalescing) or drops it, as the token's state says.
     *
     * @throws ApnsPush.Rejection BadDeviceToken, Unregistered (410 with timestamp), DeviceTokenNotForTopic, or an
     *                            injected fault
     */
    public void push(ApnsPush push) {
        Token token = tokens.get(push.token());
        if (token == null || !pushTo(token, push)) {
            throw unknownToken(push.token()); // outside the token's lock: releaseToken locks issueLock first
        }
    }

    /** False when the token was released meanwhile. */
    private boolean pushTo(Token token, ApnsPush push) {
        synchronized (token) {
            if (token.released) {
                return false;
            }
            if (token.topic != null && !token.topic.equals(push.topic())) {
                throw new ApnsPush.Rejection(ApnsReason.DEVICE_TOKEN_NOT_FOR_TOPIC, "token " + token.value
                        + " is registered for topic " + token.topic + ", not " + push.topic());
            }
            fault();
            accepted.increment();
            Connection connection = token.connection;
            if (connection != null && connection.attached() && send(connection, token, push)) {
                delivered.increment();
                if (token.pending != null) { // superseded by the one just delivered
                    token.pending = null;
                    coalesced.increment();
                }
                return true;
            }
            Instant now = clock.now();
            Instant until = push.expiration() == null ? now.plus(config.defaultStorage()) : push.expiration();
            if (Instant.EPOCH.equals(push.expiration()) || !now.isBefore(until)) {
                dropped.increment();
                return true;
            }
            if (token.pending != null) {
                coalesced.increment();
            }
            token.pending = new Stored(push, until);
            stored.increment();
            return true;
        }
    }

    private ApnsPush.Rejection unknownToken(String value) {
        Released r;
        synchronized (issueLock) {
            r = released.get(value);
        }
        if (r != null) {
            unregistered.increment();
            return new ApnsPush.Rejection(ApnsReason.UNREGISTERED, "token " + value + " was released by its device "
                    + "at " + r.at(), r.at().toEpochMilli());
        }
        return new ApnsPush.Rejection(ApnsReason.BAD_DEVICE_TOKEN, "token " + value + " was never issued");
    }

    /** Counts a refused provider request (for stats). */
    public void countRejected() {
        rejected.increment();
    }

    // ------------------------------------------------------------------------------------------------- faults

    /** The next {@code count} pushes are answered with {@code reason}. */
    public void scriptFault(ApnsReason reason, int count) {
        synchronized (faultScript) {
            for (int i = 0; i < count; i++) {
                faultScript.add(reason);
            }
        }
    }

    /** From now on a share {@code rate} of pushes is answered with {@code reason} (0 = off). */
    public void faultRate(ApnsReason reason, double rate) {
        faultRate = rate <= 0 ? null : new Fault(reason, rate);
    }

    public void clearFaults() {
        synchronized (faultScript) {
            faultScript.clear();
        }
        faultRate = null;
    }

    public Map<String, Object> faults() {
        Map<String, Object> out = new LinkedHashMap<>();
        synchronized (faultScript) {
            out.put("script", faultScript.stream().map(ApnsReason::wire).toList());
        }
        Fault f = faultRate;
        out.put("rate", f == null ? 0.0 : f.rate());
        out.put("rateReason", f == null ? null : f.reason().wire());
        return out;
    }

    private void fault() {
        ApnsReason scripted;
        synchronized (faultScript) {
            scripted = faultScript.poll();
        }
        if (scripted != null) {
            throw new ApnsPush.Rejection(scripted, "injected fault (script)");
        }
        Fault f = faultRate;
        if (f != null && nextUnit() < f.rate()) {
            throw new ApnsPush.Rejection(f.reason(), "injected fault (rate " + f.rate() + ")");
        }
    }

    private double nextUnit() {
        synchronized (faultRandom) {
            return faultRandom.nextDouble();
        }
    }

    // -------------------------------------------------------------------------------------------- maintenance

    /** Keep-alive comments, dropping connections never attached, expiring stored pushes. */
    private void tick() {
        try {
            long now = System.nanoTime();
            for (Connection c : connections.values()) {
                EventStream s = c.stream;
                if (s != null) {
                    s.comment("keepalive");
                } else if (now - c.createdNanos > config.attachTimeout().toNanos()) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "fake APNs: dropping connection " + c.id
                            + ": no event stream within " + config.attachTimeout());
                    drop(c);
                }
            }
            expireStored();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "fake APNs: maintenance failed", e);
        }
    }

    private void expireStored() {
        Instant now = clock.now();
        for (Token t : tokens.values()) {
            synchronized (t) {
                if (t.pending != null && !now.isBefore(t.pending.until())) {
                    t.pending = null;
                    expired.increment();
                }
            }
        }
    }

    /** {@code GET /admin/apns/stats}: counters since start, then what is held now. */
    public Map<String, Object> stats() {
        expireStored();
        int online = 0;
        int pending = 0;
        for (Token t : tokens.values()) {
            synchronized (t) {
                if (t.connection != null && t.connection.attached()) {
                    online++;
                }
                if (t.pending != null) {
                    pending++;
                }
            }
        }
        int streams = (int) connections.values().stream().filter(Connection::attached).count();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", accepted.sum());
        out.put("delivered", delivered.sum());
        out.put("stored", stored.sum());
        out.put("expired", expired.sum());
        out.put("unregistered", unregistered.sum());
        out.put("coalesced", coalesced.sum());
        out.put("dropped", dropped.sum());
        out.put("rejected", rejected.sum());
        out.put("tokensIssued", tokensIssued.sum());
        out.put("tokensReleased", tokensReleased.sum());
        out.put("tokens", tokens.size());
        out.put("online", online);
        out.put("pending", pending);
        out.put("connections", connections.size());
        out.put("streams", streams);
        return out;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (Connection c : connections.values()) {
            EventStream s = c.stream;
            if (s != null) {
                s.close();
            }
        }
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot fingerprint " + cert.getSubjectX500Principal() + ": " + e, e);
        }
    }
}
