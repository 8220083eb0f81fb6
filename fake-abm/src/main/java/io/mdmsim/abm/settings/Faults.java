package io.mdmsim.abm.settings;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Faults a test injects into the fake's Apple-facing endpoints (admin {@code /admin/faults}): a latency, errors at a
 * rate, and an ordered script of answers, per endpoint or for all of them ({@code "*"}). Decisions are drawn from the
 * seed: the same seed and the same sequence of requests to an endpoint give the same faults.
 */
public final class Faults {

    /** The endpoints faults can be set on; {@code "*"} is every one of them. */
    static final Set<String> ENDPOINTS = Set.of("*", "/session", "/account", "/server/devices", "/devices/sync",
            "/devices", "/devices/disown", "/device/activationlock", "/profile", "/profile/devices", "/cloudconfig");

    /** One scripted answer: a status and code (and Retry-After), or {@code pass} to let the request through. */
    public record Answer(int status, String code, String retryAfter, boolean pass) {
        static final Answer PASS = new Answer(0, null, null, true);

        public Answer {
            if (!pass && (status < 400 || status > 599)) {
                throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
            }
        }

        /** The code a status gets when none is given. */
        public static String defaultCode(int status) {
            return switch (status) {
                case 400 -> "MALFORMED_REQUEST_BODY";
                case 401 -> "UNAUTHORIZED";
                case 403 -> "FORBIDDEN";
                case 404 -> "NOT_FOUND";
                case 429 -> "TOO_MANY_REQUESTS";
                case 500 -> "INTERNAL_SERVER_ERROR";
                case 502 -> "BAD_GATEWAY";
                case 503 -> "SERVICE_UNAVAILABLE";
                case 504 -> "GATEWAY_TIMEOUT";
                default -> "ERROR";
            };
        }

        /** The status Apple documents for a code (Apple's "Device assignment" endpoint pages); 400 for the rest. */
        public static int statusOf(String code) {
            return switch (code) {
                case "UNAUTHORIZED" -> 401;
                case "FORBIDDEN", "ACCESS_DENIED", "T_C_NOT_SIGNED", "APPLE_SEED_FOR_IT_TURNED_OFF" -> 403;
                case "NOT_FOUND", "PROFILE_NOT_FOUND" -> 404;
                case "TOO_MANY_REQUESTS" -> 429;
                case "INTERNAL_SERVER_ERROR" -> 500;
                case "SERVICE_UNAVAILABLE" -> 503;
                default -> 400;
            };
        }

        /**
         * Shorthand: {@code "pass"}, a status ({@code "503"}) or a code ({@code "T_C_NOT_SIGNED"}); a 429 or 503
         * shorthand carries {@code Retry-After: 1}.
         */
        public static Answer parse(String text) {
            requireNonNull(text, "text");
            if (text.equalsIgnoreCase("pass")) {
                return PASS;
            }
            if (text.matches("[0-9]{3}")) {
                int status = Integer.parseInt(text);
                return new Answer(status, defaultCode(status), status == 429 || status == 503 ? "1" : null, false);
            }
            if (!text.matches("[A-Z][A-Z0-9_]{1,63}")) {
                throw new IllegalArgumentException("script entry '" + text
                        + "' (expected: pass, a status such as 503, or a code such as T_C_NOT_SIGNED)");
            }
            int status = statusOf(text);
            return new Answer(status, text, status == 429 ? "1" : null, false);
        }
    }

    /** What is set on one endpoint. {@code errorRate} 0..1 of requests get {@code error}. */
    public record EndpointFaults(String endpoint, Duration latency, double errorRate, Answer error, List<Answer> script) {
        public EndpointFaults {
            requireNonNull(endpoint, "endpoint");
            if (!ENDPOINTS.contains(endpoint)) {
                throw new IllegalArgumentException("endpoint: " + endpoint + " (expected one of: "
                        + String.join(", ", ENDPOINTS.stream().sorted().toList()) + ")");
            }
            latency = latency == null ? Duration.ZERO : latency;
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency: " + latency + " (expected: >= 0)");
            }
            if (!(errorRate >= 0 && errorRate <= 1)) {
                throw new IllegalArgumentException("errorRate: " + errorRate + " (expected: 0..1)");
            }
            if (errorRate > 0 && (error == null || error.pass())) {
                throw new IllegalArgumentException("errorRate " + errorRate + " needs an error status or code");
            }
            script = script == null ? List.of() : List.copyOf(script);
        }
    }

    /** What to do with one request: wait {@code latency}, then answer {@code failure} or (if null) serve it. */
    public record Decision(Duration latency, Answer failure) {
        static final Decision NONE = new Decision(Duration.ZERO, null);
    }

    private final long seed;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long revision;

    public Faults(long seed) {
        this.seed = seed;
    }

    /** Sets (replaces) the faults of one endpoint; its script starts from the beginning. */
    public synchronized void set(EndpointFaults f) {
        revision++;
        entries.put(f.endpoint(), new Entry(f, new SplittableRandom(seed ^ (f.endpoint().hashCode() * 0x9E37_79B9L) ^ (revision << 40))));
    }

    public synchronized void clear() {
        entries.clear();
    }

    public synchronized void clear(String endpoint) {
        entries.remove(endpoint);
    }

    /** The faults set now, with what is left of each script. */
    public synchronized List<EndpointFaults> list() {
        List<EndpointFaults> out = new ArrayList<>();
        entries.values().forEach(e -> out.add(new EndpointFaults(e.faults.endpoint(), e.faults.latency(),
                e.faults.errorRate(), e.faults.error(), List.copyOf(e.script))));
        return out;
    }

    /** The decision for one request to {@code endpoint}: its own faults first, then those of {@code "*"}. */
    public synchronized Decision decide(String endpoint) {
        if (entries.isEmpty()) {
            return Decision.NONE;
        }
        Duration latency = Duration.ZERO;
        Answer failure = null;
        for (String key : List.of(endpoint, "*")) {
            Entry e = entries.get(key);
            if (e == null) {
                continue;
            }
            latency = latency.plus(e.faults.latency());
            if (failure != null) {
                continue;
            }
            if (!e.script.isEmpty()) {
                Answer a = e.script.pollFirst();
                if (!a.pass()) {
                    failure = a;
                }
                continue;
            }
            if (e.faults.errorRate() > 0 && e.random.nextDouble() < e.faults.errorRate()) {
                failure = e.faults.error();
            }
        }
        return new Decision(latency, failure);
    }

    private static final class Entry {
        final EndpointFaults faults;
        final SplittableRandom random;
        final Deque<Answer> script;

        Entry(EndpointFaults faults, SplittableRandom random) {
            this.faults = faults;
            this.random = random;
            this.script = new ArrayDeque<>(faults.script());
        }
    }
}
