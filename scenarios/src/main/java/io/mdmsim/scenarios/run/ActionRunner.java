package io.mdmsim.scenarios.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.scenarios.model.ActionSpec;
import io.mdmsim.scenarios.model.Durations;
import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.quickstart.AdminClient;
import io.mdmsim.scenarios.quickstart.AdminClient.Answer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a scenario's timed actions on the world over its admin APIs, in time order, and records how each went:
 * accepted, refused (the server said no, with its reason) or failed (accepted, but what it started failed, e.g. a
 * sync whose token no longer works).
 */
final class ActionRunner {

    /** How one action went. */
    record Result(String name, ActionSpec.Kind kind, Duration at, String result, String message) {
        @Override
        public String toString() {
            return name + ": " + result + (message == null || message.isEmpty() ? "" : " (" + message + ")");
        }
    }

    private final Scenario scenario;
    private final LiveWorld world;
    private final SimClock clock;
    private final Instant start;
    private final Map<String, String> tokenNames;
    private final Map<String, List<String>> serialsByPopulation;
    private final Consumer<String> log;
    private final List<Result> results = Collections.synchronizedList(new ArrayList<>());
    private int next;

    ActionRunner(Scenario scenario, LiveWorld world, SimClock clock, Instant start, Map<String, String> tokenNames,
                 Map<String, List<String>> serialsByPopulation, Consumer<String> log) {
        this.scenario = scenario;
        this.world = world;
        this.clock = clock;
        this.start = start;
        this.tokenNames = tokenNames;
        this.serialsByPopulation = serialsByPopulation;
        this.log = log;
    }

    /** The results so far, in the order the actions ran. */
    List<Result> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    /** When the next action is due on the scenario's clock, or null when every action ran. */
    synchronized Instant nextDue() {
        return next < scenario.actions().size() ? start.plus(scenario.actions().get(next).at()) : null;
    }

    /** Runs every action that is due now; returns how many ran. */
    synchronized int runDue() {
        int ran = 0;
        while (next < scenario.actions().size()
                && !clock.now().isBefore(start.plus(scenario.actions().get(next).at()))) {
            ActionSpec a = scenario.actions().get(next++);
            Result r = run(a);
            results.add(r);
            log.accept(String.format("action %s at %s: %s%s", a.name(), Durations.format(a.at()), r.result(),
                    r.message() == null || r.message().isEmpty() ? "" : " (" + r.message() + ")"));
            ran++;
        }
        return ran;
    }

    /** Runs the actions as their times come on a running clock (wall or scaled); returns when all ran. */
    void runOnTime() throws InterruptedException {
        Instant due;
        while ((due = nextDue()) != null) {
            Duration wait = Duration.between(clock.now(), due);
            if (!wait.isNegative() && !wait.isZero()) {
                clock.sleep(wait);
            }
            runDue();
        }
    }

    private Result run(ActionSpec a) {
        try {
            return switch (a.kind()) {
                case RENEW_TOKEN -> renewToken(a);
                case SET_POLICY -> of(a, mdm().exchange("PUT", "/admin/policy", a.args()));
                case EDIT_PROFILE -> editProfile(a);
                case WIPE, RETIRE -> lifecycle(a);
                case ADVANCE_CLOCK -> of(a, world.abmAdmin().exchange("POST", "/admin/clock",
                        Map.of("advance", Durations.parse(a.args().asText()).toString())));
                case FAULT -> fault(a);
                case CLEAR_FAULTS -> clearFaults(a);
                case SYNC -> sync(a);
                case ASSIGN -> assign(a);
            };
        } catch (AdminClient.AdminException | IllegalStateException e) {
            return new Result(a.name(), a.kind(), a.at(), "failed", e.getMessage());
        }
    }

    private Result renewToken(ActionSpec a) {
        String server = a.args().get("mdmServer").asText();
        byte[] p7m = world.abmAdmin().getBytes("/admin/mdm-servers/" + Provisioner.enc(server) + "/token");
        if (!a.args().path("upload").asBoolean(false)) {
            return new Result(a.name(), a.kind(), a.at(), "accepted", "a new token downloaded in ABM ("
                    + p7m.length + " bytes); the previous one no longer works");
        }
        String token = token(server);
        return of(a, mdm().exchangeBytes("PUT", "/admin/dep/tokens/" + Provisioner.enc(token) + "?appleId="
                + Provisioner.enc(appleId(server)), p7m, "application/pkcs7-mime"));
    }

    private Result editProfile(ActionSpec a) {
        String wanted = a.args().get("profile").asText();
        for (Map.Entry<String, String> t : tokenNames.entrySet()) {
            if (a.args().has("mdmServer") && !a.args().get("mdmServer").asText().equals(t.getKey())) {
                continue;
            }
            String token = Provisioner.enc(t.getValue());
            for (JsonNode p : mdm().getJson("/admin/dep/tokens/" + token + "/profiles")) {
                JsonNode profile = p.path("profile");
                if (profile.path("name").asText().equals(wanted)) {
                    ObjectNode edited = profile.deepCopy();
                    a.args().get("set").properties().forEach(e -> edited.set(e.getKey(), e.getValue()));
                    return of(a, mdm().exchange("PUT", "/admin/dep/tokens/" + token + "/profiles/"
                            + p.path("profileUuid").asText(), edited));
                }
            }
        }
        return new Result(a.name(), a.kind(), a.at(), "refused", "no enrollment profile named " + wanted);
    }

    private Result lifecycle(ActionSpec a) {
        List<String> serials = new ArrayList<>();
        if (a.args().has("serials")) {
            a.args().get("serials").forEach(s -> serials.add(s.asText()));
        } else {
            List<String> all = serialsByPopulation.getOrDefault(a.args().get("population").asText(), List.of());
            int count = a.args().path("count").asInt(all.size());
            serials.addAll(all.subList(0, Math.min(count, all.size())));
        }
        Map<String, String> udids = new LinkedHashMap<>();
        Map<String, String> pushedBefore = new LinkedHashMap<>();
        for (JsonNode d : mdm().getJson("/admin/devices")) {
            udids.put(d.path("serialNumber").asText(), d.path("udid").asText());
            pushedBefore.put(d.path("udid").asText(), d.path("lastPushAt").asText(""));
        }
        List<String> pushed = new ArrayList<>();
        String verb = a.kind() == ActionSpec.Kind.WIPE ? "wipe" : "retire";
        int accepted = 0;
        List<String> refused = new ArrayList<>();
        java.util.Set<String> pushes = new java.util.TreeSet<>();
        for (String serial : serials) {
            String udid = udids.get(serial);
            if (udid == null) {
                refused.add(serial + ": not a device of the MDM");
                continue;
            }
            Answer r = mdm().exchange("POST", "/admin/devices/" + udid + "/" + verb, null);
            if (r.ok()) {
                accepted++;
                if (r.json().path("push").isTextual()) {
                    pushes.add(r.json().path("push").asText());
                    if (r.json().path("push").asText().equals("queued")) {
                        pushed.add(udid);
                    }
                }
            } else {
                refused.add(serial + ": " + r.status() + " " + r.message());
            }
        }
        awaitPushes(pushed, pushedBefore);
        String msg = accepted + " of " + serials.size() + " devices" + (pushes.isEmpty() ? ""
                : ", push " + String.join(", ", pushes)) + (refused.isEmpty() ? ""
                : "; " + String.join("; ", refused.subList(0, Math.min(3, refused.size())))
                + (refused.size() > 3 ? "; ..." : ""));
        return new Result(a.name(), a.kind(), a.at(), refused.isEmpty() ? "accepted" : "refused", msg);
    }

    /**
     * Waits (real time, at most 10 s) until the MDM has sent the pushes it queued, so that on a manual clock time does
     * not move on before they reach the devices.
     */
    private void awaitPushes(List<String> udids, Map<String, String> before) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (String udid : udids) {
            while (System.nanoTime() < deadline) {
                JsonNode d = mdm().getJson("/admin/devices/" + udid);
                if (!d.path("lastPushAt").asText("").equals(before.getOrDefault(udid, ""))
                        && !d.path("lastPushResult").isNull() && !d.path("lastPushResult").isMissingNode()) {
                    break;
                }
                Pause.briefly();
            }
        }
    }

    private Result fault(ActionSpec a) {
        JsonNode f = a.args();
        if (f.has("abm")) {
            JsonNode x = f.get("abm");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("endpoint", x.get("endpoint").asText());
            if (x.has("latency")) {
                body.put("latency", Durations.parse(x.get("latency").asText()).toString());
            }
            if (x.has("errorRate")) {
                body.put("errorRate", x.get("errorRate").asDouble());
            }
            if (x.has("status")) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("status", x.get("status").asInt());
                if (x.has("retryAfter")) {
                    error.put("retryAfter", x.get("retryAfter").asText());
                }
                body.put("error", error);
            }
            if (x.has("script")) {
                body.put("script", x.get("script"));
            }
            return of(a, world.abmAdmin().exchange("POST", "/admin/faults", body));
        }
        if (f.has("abmThrottling")) {
            return of(a, world.abmAdmin().exchange("PUT", "/admin/settings", Map.of("requestsPerSecond",
                    f.get("abmThrottling").path("requestsPerSecond").asDouble())));
        }
        return of(a, world.abmAdmin().exchange("POST", "/admin/apns/faults", f.get("apns")));
    }

    private Result clearFaults(ActionSpec a) {
        String which = a.args().asText();
        Answer last = null;
        if (which.equals("abm") || which.equals("all")) {
            last = world.abmAdmin().exchange("DELETE", "/admin/faults", null);
            if (last.ok()) {
                last = world.abmAdmin().exchange("PUT", "/admin/settings", Map.of("requestsPerSecond", 0));
            }
        }
        if ((which.equals("apns") || which.equals("all")) && (last == null || last.ok())) {
            last = world.abmAdmin().exchange("DELETE", "/admin/apns/faults", null);
        }
        return of(a, last);
    }

    private Result sync(ActionSpec a) {
        String token = token(a.args().get("mdmServer").asText());
        boolean full = a.args().path("full").asBoolean(false);
        int before = tokenState(token).path("syncs").asInt();
        Answer r = mdm().exchange("POST", "/admin/dep/tokens/" + Provisioner.enc(token) + "/sync"
                + (full ? "?full=true" : ""), null);
        if (!r.ok()) {
            return of(a, r);
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode t = tokenState(token);
            String state = t.path("syncState").asText();
            if (state.equals("FAILED")) {
                return new Result(a.name(), a.kind(), a.at(), "failed", t.path("lastError").asText());
            }
            if (state.equals("SYNCED") && t.path("syncs").asInt() > before) {
                return new Result(a.name(), a.kind(), a.at(), "accepted", (full ? "full" : "delta") + " sync: "
                        + t.path("devices").asInt() + " devices");
            }
            Pause.briefly();
        }
        return new Result(a.name(), a.kind(), a.at(), "failed", "the sync did not finish within 3 minutes");
    }

    private Result assign(ActionSpec a) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mdmServer", a.args().get("mdmServer").asText());
        if (a.args().path("all").asBoolean(false)) {
            body.put("all", true);
        } else {
            List<String> serials = new ArrayList<>();
            for (JsonNode d : world.abmAdmin().getJson("/admin/devices?unassigned=true&limit="
                    + a.args().path("count").asInt(1))) {
                serials.add(d.path("serialNumber").asText());
            }
            body.put("serials", serials);
        }
        return of(a, world.abmAdmin().exchange("POST", "/admin/assignments", body));
    }

    private JsonNode tokenState(String token) {
        for (JsonNode n : mdm().getJson("/admin/dep/tokens")) {
            if (n.path("name").asText().equals(token)) {
                return n;
            }
        }
        throw new IllegalStateException("the MDM has no token " + token);
    }

    private String token(String server) {
        String t = tokenNames.get(server);
        if (t == null) {
            throw new IllegalStateException("MDM server " + server + " has no token in the MDM");
        }
        return t;
    }

    private String appleId(String server) {
        return scenario.world().mdm().tokens().stream().filter(t -> t.mdmServer().equals(server)).findFirst()
                .map(io.mdmsim.scenarios.model.World.Token::appleId).orElse("admin@mdmsim.example");
    }

    private AdminClient mdm() {
        AdminClient m = world.mdmAdmin();
        if (m == null) {
            throw new IllegalStateException("the MDM is a system under test: no admin API to drive");
        }
        return m;
    }

    private static Result of(ActionSpec a, Answer r) {
        return new Result(a.name(), a.kind(), a.at(), r.ok() ? "accepted" : "refused", r.ok() ? ""
                : r.status() + " " + r.message());
    }
}
