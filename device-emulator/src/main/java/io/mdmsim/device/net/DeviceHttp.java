package io.mdmsim.device.net;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.ClientExchange;
import io.mdmsim.core.http.TlsIdentityClient;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.model.StageFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;

/**
 * The devices' HTTP transport: one {@link HttpClient} shared by the whole fleet, called from the devices' virtual
 * threads. Connection failures become a {@link StageFailure} naming the request; statuses are left to the caller.
 */
public final class DeviceHttp {

    /** An HTTP answer; {@code headers} are keyed in lower case. */
    public record Response(String method, URI uri, int status, String contentType, byte[] body,
                           Map<String, List<String>> headers) {

        public Response {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public Response(String method, URI uri, int status, String contentType, byte[] body) {
            this(method, uri, status, contentType, body, Map.of());
        }

        /** The first value of a header (name in any case), null if absent. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        /** Every value of a header (name in any case). */
        public List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        public boolean ok() {
            return status == 200;
        }

        /** The media type without parameters, lower case; "" if none. */
        public String mediaType() {
            if (contentType == null) {
                return "";
            }
            int semi = contentType.indexOf(';');
            return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        }

        /** "POST http://x/enroll answered 403: <body text>" for failure reasons. */
        public String describe() {
            return method + " " + uri + " answered " + status + bodyForHumans();
        }

        /** ": <text>" for a short text body, " (n bytes of type t)" for anything else, "" for none. */
        public String bodyForHumans() {
            if (body.length == 0) {
                return " with an empty body";
            }
            if (looksLikeText(body)) {
                String text = new String(body, StandardCharsets.UTF_8).strip();
                if (text.length() > 300) {
                    text = text.substring(0, 300) + "...";
                }
                return ": " + text;
            }
            return " (" + body.length + " bytes of " + (contentType == null ? "no content type" : contentType) + ")";
        }

        private static boolean looksLikeText(byte[] b) {
            int n = Math.min(b.length, 512);
            for (int i = 0; i < n; i++) {
                int c = b[i] & 0xff;
                if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Sees every exchange of one device (its trace). Called on the device's thread. */
    public interface Recorder {
        /**
         * One exchange: the request, and either the response (with its headers) or why there was none.
         *
         * @param realNanos real time the exchange took
         */
        void exchange(String method, URI uri, Map<String, String> requestHeaders, String contentType, byte[] body,
                      Response response, Map<String, List<String>> responseHeaders, String failure, long realNanos);
    }

    /**
     * Lets a device's deadlines stop it between exchanges: called on the device's thread before and after each one;
     * either may throw {@link InterruptedException} to end the device there. An exchange in flight is never cut.
     */
    public interface Guard {
        void beforeExchange() throws InterruptedException;

        void afterExchange() throws InterruptedException;
    }

    private final HttpClient client;
    private final Duration timeout;
    private final Guard guard;           // null: no deadlines
    private final Behaviour network;     // null: a perfect network
    private final SplittableRandom faults;
    private final SimClock clock;
    private final Recorder recorder;     // null: no trace
    private final Semaphore inFlight;    // null: no fleet-wide limit
    private final TlsIdentityClient.Identity tls; // null: the shared client; else https through this identity

    public DeviceHttp(HttpClient client, Duration timeout) {
        this(client, timeout, null, null, null, null, null, null, null);
    }

    /**
     * A transport that lets at most {@code maxInFlight} exchanges of the whole fleet run at once: the JDK client opens
     * a connection per concurrent exchange and keeps them for reuse, so this bounds the fleet's sockets (and the
     * load on the server) however many devices are alive.
     */
    public DeviceHttp(HttpClient client, Duration timeout, int maxInFlight) {
        this(client, timeout, null, null, null, null, new Semaphore(maxInFlight, true), null, null);
    }

    private DeviceHttp(HttpClient client, Duration timeout, Behaviour network, SplittableRandom faults,
                       SimClock clock, Recorder recorder, Semaphore inFlight, Guard guard,
                       TlsIdentityClient.Identity tls) {
        this.tls = tls;
        this.guard = guard;
        this.client = requireNonNull(client, "client");
        this.timeout = requireNonNull(timeout, "timeout");
        this.network = network;
        this.faults = faults;
        this.clock = clock;
        this.recorder = recorder;
        this.inFlight = inFlight;
    }

    /**
     * The same transport seen through one device's network: {@link Behaviour#latency()} on the SimClock before every
     * exchange; with {@link Behaviour#resetRate()} the connection is reset before the request leaves, with
     * {@link Behaviour#dropRate()} the server handles the request but the answer is lost and the device waits
     * {@link Behaviour#dropTimeout()}. Either way the device repeats the exchange up to
     * {@link Behaviour#networkRetries()} times. Decisions come from {@code faults}, one draw per attempt.
     */
    public DeviceHttp withNetwork(Behaviour knobs, SplittableRandom faults, SimClock clock) {
        requireNonNull(knobs, "knobs");
        requireNonNull(faults, "faults");
        requireNonNull(clock, "clock");
        boolean perfect = knobs.latency().isZero() && knobs.dropRate() == 0 && knobs.resetRate() == 0;
        return perfect ? this : new DeviceHttp(client, timeout, knobs, faults, clock, recorder, inFlight, guard,
                tls);
    }

    /** The same transport, with every exchange shown to {@code recorder} (one device's trace). */
    public DeviceHttp recordingTo(Recorder recorder) {
        return new DeviceHttp(client, timeout, network, faults, clock, requireNonNull(recorder, "recorder"),
                inFlight, guard, tls);
    }

    /** The same transport, asking {@code guard} before and after every exchange (one device's deadlines). */
    public DeviceHttp guardedBy(Guard guard) {
        return new DeviceHttp(client, timeout, network, faults, clock, recorder, inFlight,
                requireNonNull(guard, "guard"), tls);
    }

    /**
     * The same transport, with every https exchange on {@code identity}'s own TLS connection, which presents the
     * device's certificate (an MDM without SignMessage knows the device by it); http URLs still go through the shared
     * client.
     */
    public DeviceHttp presenting(TlsIdentityClient.Identity identity) {
        return new DeviceHttp(client, timeout, network, faults, clock, recorder, inFlight, guard,
                requireNonNull(identity, "identity"));
    }

    /** Closes this device's own TLS connection ({@link #presenting}), if it has one. */
    public void closeConnection() {
        if (tls != null) {
            tls.close();
        }
    }

    /** The shared client (the push channel streams on it too). */
    public HttpClient client() {
        return client;
    }

    public Duration timeout() {
        return timeout;
    }

    public Response get(URI uri, Map<String, String> headers) throws StageFailure, InterruptedException {
        return send("GET", uri, null, null, headers);
    }

    public Response post(URI uri, String contentType, byte[] body, Map<String, String> headers)
            throws StageFailure, InterruptedException {
        return send("POST", uri, contentType, body, headers);
    }

    public Response put(URI uri, String contentType, byte[] body, Map<String, String> headers)
            throws StageFailure, InterruptedException {
        return send("PUT", uri, contentType, body, headers);
    }

    private Response send(String method, URI uri, String contentType, byte[] body, Map<String, String> headers)
            throws StageFailure, InterruptedException {
        if (network == null) {
            return exchange(method, uri, contentType, body, headers);
        }
        for (int attempt = 1; ; attempt++) {
            if (!network.latency().isZero()) {
                clock.sleep(network.latency());
            }
            double u = faults.nextDouble();
            String fault;
            if (u < network.resetRate()) {
                fault = "connection reset";
                if (recorder != null) {
                    recorder.exchange(method, uri, headers, contentType, body, null, Map.of(),
                            "connection reset (simulated network fault)", 0);
                }
                clock.sleep(Duration.ofSeconds(1L << Math.min(attempt - 1, 6))); // the device backs off
            } else if (u < network.resetRate() + network.dropRate()) {
                exchange(method, uri, contentType, body, headers); // the server sees it; the answer is lost
                fault = "no answer within " + network.dropTimeout();
                clock.sleep(network.dropTimeout());
            } else {
                return exchange(method, uri, contentType, body, headers);
            }
            if (attempt > network.networkRetries()) {
                throw StageFailure.failed(method + " " + uri + " failed: " + fault + " (simulated network fault, "
                        + attempt + (attempt == 1 ? " attempt)" : " attempts)"));
            }
        }
    }

    private Response exchange(String method, URI uri, String contentType, byte[] body, Map<String, String> headers)
            throws StageFailure, InterruptedException {
        if (guard != null) {
            guard.beforeExchange();
        }
        if (inFlight != null) {
            inFlight.acquire();
        }
        long t0 = System.nanoTime(); // real time of the exchange, for traces only
        boolean guarded = guard != null;
        try {
            Response response = tls != null && "https".equalsIgnoreCase(uri.getScheme())
                    ? overIdentity(method, uri, contentType, body, headers)
                    : overSharedClient(method, uri, contentType, body, headers);
            Map<String, List<String>> lower = response.headers();
            if (recorder != null) {
                recorder.exchange(method, uri, headers, contentType, body, response, lower, null,
                        System.nanoTime() - t0);
            }
            return response;
        } catch (HttpTimeoutException e) {
            StageFailure f = StageFailure.failed(method + " " + uri + " got no answer within " + timeout, e);
            record(method, uri, headers, contentType, body, f, t0);
            throw f;
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.net.ConnectException && e.getMessage() == null) {
                why = "connection refused";
            }
            StageFailure f = StageFailure.failed(method + " " + uri + " failed: " + why, e);
            record(method, uri, headers, contentType, body, f, t0);
            throw f;
        } finally {
            if (inFlight != null) {
                inFlight.release();
            }
            if (guarded) {
                guard.afterExchange();
            }
        }
    }

    private Response overSharedClient(String method, URI uri, String contentType, byte[] body,
                                      Map<String, String> headers) throws IOException, InterruptedException {
        // the time limit by ClientExchange, not HttpRequest.timeout(): thousands of devices would contend on the
        // client's timer set
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        HttpResponse<byte[]> r = ClientExchange.send(client, b.build(), HttpResponse.BodyHandlers.ofByteArray(),
                timeout);
        Map<String, List<String>> lower = new java.util.HashMap<>();
        r.headers().map().forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return new Response(method, uri, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                r.body() == null ? new byte[0] : r.body(), lower);
    }

    private Response overIdentity(String method, URI uri, String contentType, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        TlsIdentityClient.Response r = tls.exchange(method, uri, headers, contentType, body, timeout);
        List<String> type = r.headers().get("content-type");
        return new Response(method, uri, r.status(), type == null || type.isEmpty() ? null : type.getFirst(), r.body(),
                r.headers());
    }

    private void record(String method, URI uri, Map<String, String> headers, String contentType, byte[] body,
                        StageFailure f, long t0) {
        if (recorder != null) {
            recorder.exchange(method, uri, headers, contentType, body, null, Map.of(), f.reason(),
                    System.nanoTime() - t0);
        }
    }
}
