package io.mdmsim.scenarios.file;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.Behaviour;
import io.mdmsim.scenarios.model.ActionSpec;
import io.mdmsim.scenarios.model.ClockSpec;
import io.mdmsim.scenarios.model.ExpectationSpec;
import io.mdmsim.scenarios.model.FleetSpec;
import io.mdmsim.scenarios.model.LoadSpec;
import io.mdmsim.scenarios.model.PopulationSpec;
import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.model.World;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A schema-valid scenario tree to the {@link Scenario} model, with the rules a schema cannot say: references between
 * parts (a population, an MDM server, an action named elsewhere), which threshold fits which subject, which load keys
 * fit which model, knob values the device emulator refuses. Every problem is collected with its place.
 */
final class ScenarioMapper {

    /** A run without a deadline of its own ends after this much time on its clock. */
    static final Duration DEFAULT_DEADLINE = Duration.ofHours(1);

    private final MappingContext c;
    private final LocatedTree t;
    private final Path file;

    ScenarioMapper(LocatedTree tree, Path file) {
        this.c = new MappingContext(tree, file);
        this.t = tree;
        this.file = file;
    }

    /** The scenario; a {@link ScenarioException} with every problem found if there are any. */
    Scenario map(String defaultName) {
        JsonNode root = t.root();
        String name = root.path("name").asText(defaultName);
        long seed = root.path("seed").asLong(1);
        ClockSpec clock = ClockSpec.parse(root.path("clock").asText("wall"));
        Duration deadline = root.has("deadline") ? c.positiveDuration("/deadline") : DEFAULT_DEADLINE;
        Map<String, Duration> stageTimeouts = new LinkedHashMap<>();
        for (Iterator<String> it = root.path("stageTimeouts").fieldNames(); it.hasNext(); ) {
            String stage = it.next();
            stageTimeouts.put(stage, c.positiveDuration("/stageTimeouts/" + LocatedTree.escape(stage)));
        }

        List<PopulationSpec> populations = populations(root.path("populations"));
        Set<String> populationNames = new HashSet<>();
        populations.forEach(p -> populationNames.add(p.name()));
        World world = new WorldReader(c).world(root.path("world"), populations, populationNames, clock);
        FleetSpec fleet = fleet(root.path("fleet"));
        LoadSpec load = load(root.path("load"));
        TimelineReader timeline = new TimelineReader(c);
        List<ActionSpec> actions = timeline.actions(root.path("actions"), world, populationNames, clock);
        List<ExpectationSpec> expectations = timeline.expectations(root.path("expect"), world, populationNames,
                actions);
        if (!c.problems().isEmpty()) {
            throw new ScenarioException(c.problems());
        }
        return new Scenario(name, root.path("description").asText(""), file, seed, clock, deadline, stageTimeouts,
                world, populations, fleet, load, actions, expectations);
    }

    // ---- populations ----------------------------------------------------------------------------------------------

    private List<PopulationSpec> populations(JsonNode list) {
        List<PopulationSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "/populations/" + i;
            JsonNode p = list.get(i);
            String name = p.path("name").asText("population-" + (i + 1));
            c.once(names, name, at + "/name");
            PopulationSpec.NamedDevice device = null;
            if (p.has("device")) {
                JsonNode d = p.get("device");
                device = new PopulationSpec.NamedDevice(d.path("serial").asText(),
                        d.has("model") ? d.get("model").asText() : null, d.has("os") ? d.get("os").asText() : null);
                try {
                    device.spec();
                } catch (IllegalArgumentException e) {
                    String key = e.getMessage().startsWith("os") ? "/os" : "/model";
                    c.problem(at + "/device" + key, "populations[" + i + "].device." + e.getMessage());
                }
                for (String other : List.of("models", "os", "ipadShare")) {
                    if (p.has(other)) {
                        c.problem(at + "/" + other, "populations[" + i + "]." + other
                                + ": not with a named device (expected: the device's model and os under device)");
                    }
                }
                if (p.has("count") && p.get("count").asInt() != 1) {
                    c.problem(at + "/count", "populations[" + i + "].count: " + p.get("count")
                            + " with a named device (expected: 1, or no count)");
                }
            }
            Integer count = p.has("count") ? p.get("count").asInt() : device != null ? Integer.valueOf(1) : null;
            String models = shares(p.path("models"));
            String os = shares(p.path("os"));
            Double ipadShare = p.has("ipadShare") ? p.get("ipadShare").asDouble() : null;
            Behaviour behaviour = behaviour(p.path("behaviour"), at + "/behaviour");
            if (device == null) {
                checkPopulation(at, count, models, os, ipadShare);
            }
            boolean ota = p.path("enrollment").asText("ade").equals("ota");
            if (!ota && p.has("profileUrl")) {
                c.problem(at + "/profileUrl", "populations[" + i + "].profileUrl: only for over-the-air enrollment"
                        + " (expected: enrollment: ota)");
            }
            URI profileUrl = p.has("profileUrl") ? URI.create(p.get("profileUrl").asText()) : null;
            out.add(new PopulationSpec(name, count, models, os, ipadShare, device,
                    p.has("organization") ? p.get("organization").asText() : null, ota, profileUrl, behaviour,
                    t.at(at)));
        }
        return out;
    }

    /** 'iPhone=3,iPad', ['iPhone=3', 'iPad'] or {iPhone: 3, iPad: 1} as 'iPhone=3,iPad'; null when absent. */
    private static String shares(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        List<String> parts = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(e -> parts.add(e.asText()));
        } else {
            v.properties().forEach(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        }
        return String.join(",", parts);
    }

    private void checkPopulation(String at, Integer count, String models, String os, Double ipadShare) {
        try {
            io.mdmsim.device.Population.Builder b = io.mdmsim.device.Population.builder()
                    .count(count == null ? 1 : count).ipadShare(ipadShare);
            if (models != null) {
                b.models(models);
            }
            if (os != null) {
                b.osVersions(os);
            }
            b.build();
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            String key = msg.startsWith("osVersions") ? "/os" : msg.startsWith("ipadShare") ? "/ipadShare"
                    : msg.startsWith("count") ? "/count" : "/models";
            c.problem(at + key, ScenarioSchema.dotted(at + key) + ": " + msg.replaceFirst("^(osVersions|models|ipadShare"
                    + "|count): ", ""));
        }
    }

    private Behaviour behaviour(JsonNode b, String at) {
        Behaviour.Builder k = Behaviour.builder();
        try {
            if (b.has("dwellScale")) {
                k.dwellScale(b.get("dwellScale").asDouble());
            }
            k.scepDelay(b.path("scepDelayShare").asDouble(0), c.durationOr(b, at, "scepDelay", "16m"));
            k.scepRetry(b.path("scepRetryShare").asDouble(0), c.durationOr(b, at, "scepRetryAfter", "2m"));
            k.activatedShare(b.path("activatedShare").asDouble(0));
            k.wipeWhenNeeded(b.path("wipeWhenNeeded").asBoolean(false));
            k.reboot(b.path("rebootShare").asDouble(0), Duration.ofSeconds(45));
            k.mfaShare(b.path("mfaShare").asDouble(1));
            k.companyPortal(b.path("companyPortalShare").asDouble(0), c.durationOr(b, at, "companyPortalDelay", "5m"));
            k.secondFactorElsewhereShare(b.path("secondFactorElsewhereShare").asDouble(1));
            k.restoreShare(b.path("restoreShare").asDouble(0));
            k.softwareUpdateShare(b.path("softwareUpdateShare").asDouble(0));
            k.configuratorShare(b.path("configuratorShare").asDouble(0));
            k.removeManagement(b.path("removeManagementShare").asDouble(0),
                    c.durationOr(b, at, "removeManagementAfter", "1d"));
            k.reenrollAfterRetire(b.path("reenrollAfterRetire").asBoolean(false));
            if (b.has("userDomain")) {
                k.userDomain(b.get("userDomain").asText());
            }
            if (b.has("userPassword")) {
                k.userPassword(b.get("userPassword").asText());
            }
            k.latency(c.durationOr(b, at, "latency", "0s"));
            k.dropRate(b.path("dropRate").asDouble(0));
            k.resetRate(b.path("resetRate").asDouble(0));
            k.networkRetries(b.path("networkRetries").asInt(3));
            Map<String, double[]> faults = new LinkedHashMap<>();
            b.path("notNow").properties().forEach(e -> faults.computeIfAbsent(e.getKey(), x -> new double[2])[0] =
                    e.getValue().asDouble());
            b.path("errorRate").properties().forEach(e -> faults.computeIfAbsent(e.getKey(), x -> new double[2])[1] =
                    e.getValue().asDouble());
            faults.forEach((type, f) -> k.commandFault(type, f[0], f[1]));
            return k.build();
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            String key = msg.contains(":") ? msg.substring(0, msg.indexOf(':')) : "";
            String where = key.matches("[A-Za-z]+") && b.has(key) ? at + "/" + key : at;
            c.problem(where, ScenarioSchema.dotted(at) + (key.matches("[A-Za-z]+") ? "." : ": ") + msg);
            return Behaviour.DEFAULT;
        }
    }

    // ---- fleet and load -------------------------------------------------------------------------------------------

    private FleetSpec fleet(JsonNode f) {
        if (f.has("keyPoolFile") && !f.has("keyPool")) {
            c.problem("/fleet/keyPoolFile", "fleet.keyPoolFile: needs fleet.keyPool (expected: how many keys the pool"
                    + " holds)");
        }
        return new FleetSpec(intOrNull(f, "concurrency"), intOrNull(f, "maxConnections"), intOrNull(f, "keyPool"),
                c.path(f.path("keyPoolFile")),
                f.has("lifetime") ? c.duration("/fleet/lifetime") : null,
                f.has("checkinInterval") ? c.duration("/fleet/checkinInterval") : null,
                f.has("tokenUpdateInterval") ? c.duration("/fleet/tokenUpdateInterval") : null,
                f.has("idlePollInterval") ? c.duration("/fleet/idlePollInterval") : null,
                f.has("push") ? f.get("push").asBoolean() : null, f.path("traces").asText(null),
                f.path("language").asText(null));
    }

    private static Integer intOrNull(JsonNode n, String key) {
        return n.has(key) ? Integer.valueOf(n.get(key).asInt()) : null;
    }

    private LoadSpec load(JsonNode l) {
        String model = l.path("model").asText("all-at-once");
        Map<String, List<String>> keys = Map.of(
                "all-at-once", List.of("model"),
                "constant-arrival-rate", List.of("model", "rate", "timeUnit", "duration"),
                "ramping-arrival-rate", List.of("model", "startRate", "timeUnit", "stages"),
                "constant-devices", List.of("model", "devices"));
        for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.get(model).contains(k)) {
                c.problem("/load/" + k, "load." + k + ": not used by " + model + " (expected: "
                        + String.join(", ", keys.get(model)) + ")");
            }
        }
        Duration unit = l.has("timeUnit") ? c.duration("/load/timeUnit") : Duration.ofMinutes(1);
        if (unit.isZero()) {
            c.problem("/load/timeUnit", "load.timeUnit: 0s (expected: more than 0)");
            unit = Duration.ofMinutes(1);
        }
        return switch (model) {
            case "constant-arrival-rate" -> {
                if (!l.has("rate")) {
                    c.problem("/load", "load: missing key 'rate' (expected: devices per timeUnit, e.g. rate: 3000)");
                    yield new LoadSpec.AllAtOnce();
                }
                yield new LoadSpec.ConstantArrivalRate(l.get("rate").asDouble(), unit,
                        l.has("duration") ? c.duration("/load/duration") : null);
            }
            case "ramping-arrival-rate" -> {
                if (!l.has("stages")) {
                    c.problem("/load", "load: missing key 'stages' (expected: a list of {target, duration})");
                    yield new LoadSpec.AllAtOnce();
                }
                List<LoadSpec.Stage> stages = new ArrayList<>();
                for (int i = 0; i < l.get("stages").size(); i++) {
                    stages.add(new LoadSpec.Stage(l.get("stages").get(i).get("target").asDouble(),
                            c.duration("/load/stages/" + i + "/duration")));
                }
                yield new LoadSpec.RampingArrivalRate(l.path("startRate").asDouble(0), unit, stages);
            }
            case "constant-devices" -> {
                if (!l.has("devices")) {
                    c.problem("/load", "load: missing key 'devices' (expected: how many devices run at a time)");
                    yield new LoadSpec.AllAtOnce();
                }
                yield new LoadSpec.ConstantDevices(l.get("devices").asInt());
            }
            default -> new LoadSpec.AllAtOnce();
        };
    }
}
