package io.mdmsim.device.internal;

import static java.util.Objects.requireNonNull;

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
import java.util.concurrent.Semaphore;

/**
 * The devices' HTTP transport: one {@link HttpClient} shared by the whole fleet, called from the devices' virtual
 * threads. Connection failures become a {@link StageFailure} naming the request; statuses are left to the caller.
 */
public final class DeviceHttp {

    /** An HTTP answer. */
    public record Response(String method, URI uri, int status, String contentType, byte[] body) {

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

    private final HttpClient client;
    private final Duration timeout;
    private final Recorder recorder;
    private final Semaphore inFlight;

    public DeviceHttp(HttpClient client, Duration timeout) {
        this(client, timeout, null, null);
    }

    /**
     * A transport that lets at most {@code maxInFlight} exchanges of the whole fleet run at once: the JDK client opens
     * a connection per concurrent exchange and keeps them for reuse, so this bounds the fleet's sockets (and the
     * load on the server) however many devices are alive.
     */
    public DeviceHttp(HttpClient client, Duration timeout, int maxInFlight) {
        this(client, timeout, null, new Semaphore(maxInFlight, true));
    }

    private DeviceHttp(HttpClient client, Duration timeout, Recorder recorder, Semaphore inFlight) {
        this.client = requireNonNull(client, "client");
        this.timeout = requireNonNull(timeout, "timeout");
        this.recorder = recorder;
        this.inFlight = inFlight;
    }

    /** The same transport, with every exchange shown to {@code recorder} (one device's trace). */
    public DeviceHttp recordingTo(Recorder recorder) {
        return new DeviceHttp(client, timeout, requireNonNull(recorder, "recorder"), inFlight);
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
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        if (inFlight != null) {
            inFlight.acquire();
        }
        long t0 = System.nanoTime(); // real time of the exchange, for traces only
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response response = new Response(method, uri, r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(null), r.body() == null ? new byte[0] : r.body());
            if (recorder != null) {
                recorder.exchange(method, uri, headers, contentType, body, response, r.headers().map(), null,
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
        }
    }

    private void record(String method, URI uri, Map<String, String> headers, String contentType, byte[] body,
                        StageFailure f, long t0) {
        if (recorder != null) {
            recorder.exchange(method, uri, headers, contentType, body, null, Map.of(), f.reason(),
                    System.nanoTime() - t0);
        }
    }
}
