package io.mdmsim.mdm.push;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.ClientExchange;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.device.EnrollmentState;
import io.mdmsim.mdm.events.EventLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Wakes devices through the APNs provider API (Apple's "Sending MDM commands to a device", docs/fake-abm.md "Fake
 * APNs"; nanomdm push/nanopush/provider.go): {@code POST <apnsUrl>/3/device/<hex token>} with {@code apns-topic},
 * {@code apns-push-type: mdm} and the body {@code {"mdm":"<PushMagic>"}}, over HTTP/2 with the JDK client. Only devices
 * that sent a TokenUpdate are pushed. 410 Unregistered marks the device (no more pushes until its next TokenUpdate);
 * 429, 5xx and unreachable APNs are retried with a doubling delay on the SimClock; other refusals are recorded. Pushes
 * run on virtual threads; a push asked for while one is in flight for the same device is sent once that one ends.
 */
public final class PushService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PushService.class.getName());
    private static final Duration MAX_DELAY = Duration.ofMinutes(5);
    private static final Duration EXPIRATION = Duration.ofDays(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** What {@link #push} did. */
    public enum Outcome {
        /** A push is on its way (or will follow the one in flight). */
        QUEUED,
        /** Pushes are off (no APNs URL). */
        OFF,
        UNKNOWN_DEVICE,
        /** No TokenUpdate yet: nothing to push to. */
        NO_TOKEN,
        /** APNs said the token is gone (410); waiting for a new TokenUpdate. */
        UNREGISTERED
    }

    private record Target(String topic, byte[] token, String pushMagic) {}

    private final URI apnsUrl;
    private final DeviceRegistry registry;
    private final EventLog events;
    private final SimClock clock;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final HttpClient http;
    private final ExecutorService executor;
    /** Devices with a push in flight; TRUE when another push was asked for meanwhile. */
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();

    public PushService(MdmConfig config, DeviceRegistry registry, EventLog events) {
        this.apnsUrl = config.apnsUrl();
        this.registry = requireNonNull(registry, "registry");
        this.events = requireNonNull(events, "events");
        this.clock = config.clock();
        this.maxAttempts = config.apnsMaxAttempts();
        this.retryDelay = config.apnsRetryDelay();
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mdm-push-", 0).factory());
        this.http = apnsUrl == null ? null : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(TIMEOUT)
                .sslContext(sslContext(config.apnsTrustAnchors(), config.apnsClientIdentity()))
                .build();
    }

    boolean enabled() {
        return apnsUrl != null;
    }

    /** Pushes the device (asynchronously) if it can be pushed; says why not otherwise. */
    public Outcome push(String udid, String reason) {
        DeviceRecord d = registry.find(udid).orElse(null);
        if (d == null) {
            return Outcome.UNKNOWN_DEVICE;
        }
        if (apnsUrl == null) {
            return Outcome.OFF;
        }
        Outcome refused = d.read(r -> r.pushToken == null || r.pushMagic == null
                || r.state == EnrollmentState.CHECKED_OUT ? Outcome.NO_TOKEN
                : r.pushUnregisteredAt != null ? Outcome.UNREGISTERED : null);
        if (refused != null) {
            return refused;
        }
        if (inFlight.putIfAbsent(udid, Boolean.FALSE) != null) {
            inFlight.put(udid, Boolean.TRUE);
            LOG.log(DEBUG, "push to {0} ({1}) follows the one in flight", udid, reason);
            return Outcome.QUEUED;
        }
        executor.execute(() -> run(udid, reason));
        return Outcome.QUEUED;
    }

    private void run(String udid, String reason) {
        try {
            while (true) {
                deliver(udid, reason);
                if (inFlight.remove(udid, Boolean.FALSE)) {
                    return;
                }
                inFlight.put(udid, Boolean.FALSE);
                reason = "asked for while the previous push was in flight";
            }
        } catch (InterruptedException e) {
            inFlight.remove(udid);
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            inFlight.remove(udid);
            LOG.log(WARNING, "push to " + udid + " failed unexpectedly", e);
        }
    }

    private void deliver(String udid, String reason) throws InterruptedException {
        Duration delay = retryDelay;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Target target = target(udid);
            if (target == null) {
                return;
            }
            String token = HexFormat.of().formatHex(target.token());
            // the time limit by ClientExchange, not HttpRequest.timeout() (see there)
            HttpRequest request = HttpRequest.newBuilder(URI.create(apnsUrl + "/3/device/" + token))
                    .header("Content-Type", "application/json")
                    .header("apns-topic", target.topic())
                    .header("apns-push-type", "mdm")
                    .header("apns-priority", "10")
                    .header("apns-expiration", Long.toString(clock.now().plus(EXPIRATION).getEpochSecond()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(
                            Json.write(Map.of("mdm", target.pushMagic()))))
                    .build();
            int status;
            String body;
            String apnsId;
            try {
                HttpResponse<byte[]> r = ClientExchange.send(http, request, HttpResponse.BodyHandlers.ofByteArray(),
                        TIMEOUT);
                status = r.statusCode();
                body = new String(r.body(), StandardCharsets.UTF_8);
                apnsId = r.headers().firstValue("apns-id").orElse(null);
            } catch (IOException e) {
                status = 0;
                body = e.toString();
                apnsId = null;
            }
            if (status == 200) {
                record(udid, "sent", null);
                events.emit("push", udid, "result", "sent", "apnsId", apnsId, "attempt", attempt, "reason", reason);
                LOG.log(DEBUG, "pushed {0} (apns-id {1})", udid, apnsId);
                return;
            }
            String apnsReason = reasonOf(body);
            if (status == 410) {
                markUnregistered(udid);
                events.emit("push", udid, "result", "unregistered", "httpStatus", 410, "apnsReason", apnsReason,
                        "attempt", attempt);
                LOG.log(INFO, "APNs says the token of {0} is unregistered; no more pushes until its next TokenUpdate",
                        udid);
                return;
            }
            boolean retry = status == 0 || status == 429 || status >= 500;
            String what = status == 0 ? "APNs unreachable: " + body : "APNs answered " + status
                    + (apnsReason == null ? "" : " " + apnsReason);
            if (!retry || attempt == maxAttempts) {
                record(udid, "failed", what);
                events.emit("push", udid, "result", "failed", "httpStatus", status == 0 ? null : status,
                        "apnsReason", apnsReason, "error", what, "attempt", attempt);
                LOG.log(WARNING, "push to {0} failed after {1} attempt(s): {2}", udid, attempt, what);
                return;
            }
            events.emit("push", udid, "result", "retrying", "httpStatus", status == 0 ? null : status,
                    "apnsReason", apnsReason, "error", what, "attempt", attempt, "retryIn", delay.toString());
            clock.sleep(delay);
            delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
        }
    }

    /** The device's current push target, or null when it can no longer be pushed. */
    private Target target(String udid) {
        DeviceRecord d = registry.find(udid).orElse(null);
        if (d == null) {
            return null;
        }
        return d.read(r -> r.pushToken == null || r.pushMagic == null || r.pushUnregisteredAt != null
                || r.state == EnrollmentState.CHECKED_OUT ? null
                : new Target(r.topic, r.pushToken.clone(), r.pushMagic));
    }

    private void record(String udid, String result, String error) {
        registry.find(udid).ifPresent(d -> {
            d.lock();
            try {
                d.pushes++;
                d.lastPushAt = clock.now();
                d.lastPushResult = error == null ? result : result + ": " + error;
            } finally {
                d.unlock();
            }
        });
    }

    private void markUnregistered(String udid) {
        registry.find(udid).ifPresent(d -> {
            d.lock();
            try {
                Instant now = clock.now();
                d.pushUnregisteredAt = now;
                d.pushes++;
                d.lastPushAt = now;
                d.lastPushResult = "unregistered";
            } finally {
                d.unlock();
            }
        });
    }

    private static String reasonOf(String body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n != null && n.path("reason").isTextual() ? n.path("reason").asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static SSLContext sslContext(List<X509Certificate> anchors, Identity client) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (anchors.isEmpty()) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                for (int i = 0; i < anchors.size(); i++) {
                    trust.setCertificateEntry("anchor-" + i, anchors.get(i));
                }
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                char[] pw = "mdmsim".toCharArray();
                keys.setKeyEntry("push", client.privateKey(), pw,
                        client.certificateAndChain().toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, pw);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS for APNs: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (http != null) {
            http.close();
        }
    }
}
