package io.mdmsim.abm.apns;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.mdmsim.abm.ApnsConfig;
import io.mdmsim.abm.state.SeededRandom;
import io.mdmsim.core.http.EventStream;
import io.mdmsim.core.time.SimClock;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;

/**
 * The fake APNs (docs/fake-abm.md "Fake APNs"), the one entry point its HTTP adapters use: device tokens
 * ({@link DeviceTokens}), the devices' connections with their event streams ({@link DeviceConnections}), delivery
 * and Apple's coalescing ({@link Delivery}), provider authentication ({@link ProviderCertificates}), injected faults
 * ({@link FaultInjector}) and the stats. Thread-safe; memory is bounded by {@link ApnsConfig#maxTokens()} (at most
 * one stored push per token) and {@link ApnsConfig#maxConnections()}.
 */
public final class ApnsService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ApnsService.class.getName());
    /** The header that carries a token's key on the device side ({@code PUT}, {@code GET}, {@code DELETE} of a token). */
    public static final String KEY_HEADER = "Apns-Token-Key";

    private final SeededRandom random;
    private final ScheduledExecutorService ticker;
    private final ApnsCounters counters = new ApnsCounters();
    private final DeviceTokens tokens;
    private final FaultInjector faults;
    private final Delivery delivery;
    private final DeviceConnections connections;
    private final ProviderCertificates providers;

    public ApnsService(ApnsConfig config, SimClock clock, long seed) {
        requireNonNull(config, "config");
        requireNonNull(clock, "clock");
        this.random = new SeededRandom(seed ^ 0x41504E53L); // its own stream: does not shift the ABM's values
        this.tokens = new DeviceTokens(config, clock, seed, counters);
        this.faults = new FaultInjector(seed ^ 0x4641554CL);
        this.delivery = new Delivery(config, clock, counters, faults);
        this.connections = new DeviceConnections(config, tokens, delivery);
        this.providers = new ProviderCertificates(clock);
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("fake-apns-keepalive").factory());
        long every = config.keepaliveInterval().toMillis();
        ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    // -------------------------------------------------------------------------------------------------- views

    /** What {@code POST /apns/v1/tokens} answers; {@code created} (false: the device's token again) is not written. */
    public record IssuedToken(String token, String deviceId, String topic, String key, @JsonIgnore boolean created) {
    }

    /** A token and the key its device got with it, as a connection names its members. */
    public record TokenKey(String token, String key) {
    }

    /** {@code GET /apns/v1/tokens/{token}}: {@code connection} and {@code pending} are null when there is none. */
    public record TokenStatus(String token, String deviceId, String topic, String issuedAt, boolean online,
            String connection, PendingPush pending) {
    }

    /** The push stored for an offline token, kept until {@code until}. */
    public record PendingPush(String apnsId, String until) {
    }

    /** A provider's client certificate ({@code GET /admin/apns/providers}); {@code topic} is its UID, if any. */
    public record ProviderCertificate(String subject, String topic, String issuer, String serial, String sha256,
            String notAfter, String firstSeen, String lastSeen, long requests) {
    }

    /** {@code GET /admin/apns/faults}: the scripted reasons still to come, and the rate (0 = off) with its reason. */
    public record Faults(List<String> script, double rate, String rateReason) {
    }

    /** {@code GET /admin/apns/stats}: counters since start, then what is held now. */
    public record Stats(long accepted, long delivered, long stored, long expired, long unregistered, long coalesced,
            long dropped, long rejected, long tokensIssued, long tokensReleased, int tokens, int online, int pending,
            int connections, int streams) {
    }

    // ------------------------------------------------------------------------------------------------- tokens

    /**
     * The token of {@code deviceId}: the one it holds if any (its topic updated when one is given), else a new one.
     * Tokens are derived from the seed and the device id, so a run with the same seed gives the same tokens; the
     * caller has checked that the request comes from that device ({@link DeviceSignature}). The answer carries the
     * token's key (from {@code SecureRandom}): every later use of the token on the device side needs it.
     */
    public IssuedToken issueToken(String deviceId, String topic) {
        return tokens.issue(deviceId, topic);
    }

    /** The checks of a token request that come before its signature's: a 400 names the field. */
    public void checkTokenRequest(String deviceId, String topic) {
        tokens.checkRequest(deviceId, topic);
    }

    /** Erase or unenroll: later pushes to the token get 410 Unregistered. Only its device (with its key) may. */
    public void releaseToken(String value, String key) {
        tokens.release(value, key);
    }

    /** {@code GET /apns/v1/tokens/{token}}, for its device (with its key): it names the connection. */
    public TokenStatus tokenStatus(String value, String key) {
        return tokens.status(value, key);
    }

    // -------------------------------------------------------------------------------------------- connections

    /** A new connection holding {@code tokenKeys}' tokens; they come online when its event stream opens. */
    public String openConnection(List<TokenKey> tokenKeys) {
        return connections.open(tokenKeys);
    }

    /** Throws what {@link #attach} would, without attaching. */
    public void checkAttachable(String connectionId) {
        connections.checkAttachable(connectionId);
    }

    /** Gives the connection its event stream: its tokens are online from now until the stream closes. */
    public void attach(String connectionId, EventStream stream) {
        connections.attach(connectionId, stream);
    }

    /** The device of {@code tokenValue} is online on this connection (moved from any other): it needs its key. */
    public void online(String connectionId, String tokenValue, String key) {
        connections.online(connectionId, tokenValue, key);
    }

    /** The device of {@code tokenValue} went away (sleep, reboot, no network). */
    public void offline(String connectionId, String tokenValue) {
        connections.offline(connectionId, tokenValue);
    }

    /** Ends the connection: its event stream is closed and all its tokens go offline. */
    public void closeConnection(String connectionId) {
        connections.close(connectionId);
    }

    // ---------------------------------------------------------------------------------------------- providers

    /**
     * Records the provider's client certificate (if any) and checks it: not valid on the SimClock -> BadCertificate;
     * a UID (the push topic of an Apple MDM push certificate) other than {@code topic} -> TopicDisallowed.
     */
    public void checkProvider(List<X509Certificate> chain, String topic) {
        providers.check(chain, topic);
    }

    /** The UID attribute (OID 0.9.2342.19200300.100.1.1) of a subject, or null. */
    public static String uid(X500Principal subject) {
        return ProviderCertificates.uid(subject);
    }

    /** The client certificates providers presented, in the order first seen. */
    public List<ProviderCertificate> providers() {
        return providers.list();
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
        DeviceToken token = tokens.find(push.token());
        if (token == null || !delivery.push(token, push)) {
            throw tokens.unknown(push.token()); // outside the token's lock: releasing locks the tokens first
        }
    }

    /** Counts a refused provider request (for stats). */
    public void countRejected() {
        counters.rejected.increment();
    }

    // ------------------------------------------------------------------------------------------------- faults

    /** The next {@code count} pushes are answered with {@code reason}. */
    public void scriptFault(ApnsReason reason, int count) {
        faults.script(reason, count);
    }

    /** From now on a share {@code rate} of pushes is answered with {@code reason} (0 = off). */
    public void faultRate(ApnsReason reason, double rate) {
        faults.rate(reason, rate);
    }

    public void clearFaults() {
        faults.clear();
    }

    public Faults faults() {
        return faults.view();
    }

    // -------------------------------------------------------------------------------------------- maintenance

    /** Keep-alive comments, dropping connections never attached, expiring stored pushes. */
    private void tick() {
        try {
            connections.keepalive();
            delivery.expireStored(tokens.all());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "fake APNs: maintenance failed", e);
        }
    }

    /** {@code GET /admin/apns/stats}: counters since start, then what is held now. */
    public Stats stats() {
        delivery.expireStored(tokens.all());
        int online = 0;
        int pending = 0;
        for (DeviceToken t : tokens.all()) {
            synchronized (t) {
                if (t.online()) {
                    online++;
                }
                if (t.pending != null) {
                    pending++;
                }
            }
        }
        ApnsCounters c = counters;
        return new Stats(c.accepted.sum(), c.delivered.sum(), c.stored.sum(), c.expired.sum(), c.unregistered.sum(),
                c.coalesced.sum(), c.dropped.sum(), c.rejected.sum(), c.tokensIssued.sum(), c.tokensReleased.sum(),
                tokens.size(), online, pending, connections.size(), connections.streams());
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        connections.closeStreams();
    }
}
