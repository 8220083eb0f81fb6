package io.mdmsim.scenarios.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.device.Behaviour;
import io.mdmsim.scenarios.model.ActionSpec;
import io.mdmsim.scenarios.model.ClockSpec;
import io.mdmsim.scenarios.model.Durations;
import io.mdmsim.scenarios.model.ExpectationSpec;
import io.mdmsim.scenarios.model.FleetSpec;
import io.mdmsim.scenarios.model.LoadSpec;
import io.mdmsim.scenarios.model.PopulationSpec;
import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.model.Threshold;
import io.mdmsim.scenarios.model.Where;
import io.mdmsim.scenarios.model.World;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A schema-valid scenario tree to the {@link Scenario} model, with the rules a schema cannot say: references between
 * parts (a population, an MDM server, an action named elsewhere), which threshold fits which subject, which load keys
 * fit which model, knob values the device emulator refuses. Every problem is collected with its place.
 */
final class ScenarioMapper {

    private static final String DEFAULT_SERVER = "MDM Server";
    /** A run without a deadline of its own ends after this much time on its clock. */
    static final Duration DEFAULT_DEADLINE = Duration.ofHours(1);
    private static final String DEFAULT_APPLE_ID = "admin@mdmsim.example";

    private final LocatedTree t;
    private final Path file;
    private final List<Problem> problems = new ArrayList<>();

    ScenarioMapper(LocatedTree tree, Path file) {
        this.t = tree;
        this.file = file;
    }

    /** The scenario; a {@link ScenarioException} with every problem found if there are any. */
    Scenario map(String defaultName) {
        JsonNode root = t.root();
        String name = root.path("name").asText(defaultName);
        long seed = root.path("seed").asLong(1);
        ClockSpec clock = ClockSpec.parse(root.path("clock").asText("wall"));
        Duration deadline = root.has("deadline") ? duration("/deadline") : DEFAULT_DEADLINE;
        Map<String, Duration> stageTimeouts = new LinkedHashMap<>();

        List<PopulationSpec> populations = populations(root.path("populations"));
        Set<String> populationNames = new HashSet<>();
        populations.forEach(p -> populationNames.add(p.name()));
        World world = world(root.path("world"), populations, populationNames, clock);
        FleetSpec fleet = fleet(root.path("fleet"));
        LoadSpec load = load(root.path("load"));
        List<ActionSpec> actions = actions(root.path("actions"), world, populationNames, clock);
        List<ExpectationSpec> expectations = expectations(root.path("expect"), world, populationNames, actions);
        if (!problems.isEmpty()) {
            problems.sort(null);
            throw new ScenarioException(problems);
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
            once(names, name, at + "/name");
            PopulationSpec.NamedDevice device = null;
            if (p.has("device")) {
                JsonNode d = p.get("device");
                device = new PopulationSpec.NamedDevice(d.path("serial").asText(),
                        d.has("model") ? d.get("model").asText() : null, d.has("os") ? d.get("os").asText() : null);
                try {
                    device.spec();
                } catch (IllegalArgumentException e) {
                    String key = e.getMessage().startsWith("os") ? "/os" : "/model";
                    problem(at + "/device" + key, "populations[" + i + "].device." + e.getMessage());
                }
                for (String other : List.of("models", "os", "ipadShare")) {
                    if (p.has(other)) {
                        problem(at + "/" + other, "populations[" + i + "]." + other
                                + ": not with a named device (expected: the device's model and os under device)");
                    }
                }
                if (p.has("count") && p.get("count").asInt() != 1) {
                    problem(at + "/count", "populations[" + i + "].count: " + p.get("count")
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
                problem(at + "/profileUrl", "populations[" + i + "].profileUrl: only for over-the-air enrollment"
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
            problem(at + key, ScenarioSchema.dotted(at + key) + ": " + msg.replaceFirst("^(osVersions|models|ipadShare"
                    + "|count): ", ""));
        }
    }

    private Behaviour behaviour(JsonNode b, String at) {
        Behaviour.Builder k = Behaviour.builder();
        try {
            if (b.has("dwellScale")) {
                k.dwellScale(b.get("dwellScale").asDouble());
            }
            k.scepDelay(b.path("scepDelayShare").asDouble(0), durationOr(b, at, "scepDelay", "16m"));
            k.scepRetry(b.path("scepRetryShare").asDouble(0), durationOr(b, at, "scepRetryAfter", "2m"));
            k.activatedShare(b.path("activatedShare").asDouble(0));
            k.wipeWhenNeeded(b.path("wipeWhenNeeded").asBoolean(false));
            k.reboot(b.path("rebootShare").asDouble(0), Duration.ofSeconds(45));
            k.mfaShare(b.path("mfaShare").asDouble(1));
            k.companyPortal(b.path("companyPortalShare").asDouble(0), durationOr(b, at, "companyPortalDelay", "5m"));
            k.secondFactorElsewhereShare(b.path("secondFactorElsewhereShare").asDouble(1));
            k.configuratorShare(b.path("configuratorShare").asDouble(0));
            k.removeManagement(b.path("removeManagementShare").asDouble(0),
                    durationOr(b, at, "removeManagementAfter", "1d"));
            k.reenrollAfterRetire(b.path("reenrollAfterRetire").asBoolean(false));
            if (b.has("userDomain")) {
                k.userDomain(b.get("userDomain").asText());
            }
            if (b.has("userPassword")) {
                k.userPassword(b.get("userPassword").asText());
            }
            k.latency(durationOr(b, at, "latency", "0s"));
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
            problem(where, ScenarioSchema.dotted(at) + (key.matches("[A-Za-z]+") ? "." : ": ") + msg);
            return Behaviour.DEFAULT;
        }
    }

    private Duration durationOr(JsonNode parent, String at, String key, String dflt) {
        return parent.has(key) ? duration(at + "/" + key) : Durations.parse(dflt);
    }

    // ---- world ----------------------------------------------------------------------------------------------------

    private World world(JsonNode w, List<PopulationSpec> populations, Set<String> populationNames, ClockSpec clock) {
        JsonNode a = w.path("abm");
        List<World.Organization> orgs = new ArrayList<>();
        Set<String> orgNames = new HashSet<>();
        for (int i = 0; i < a.path("organizations").size(); i++) {
            JsonNode o = a.path("organizations").get(i);
            once(orgNames, o.get("name").asText(), "/world/abm/organizations/" + i + "/name");
            orgs.add(new World.Organization(o.get("name").asText(), o));
        }
        for (int i = 0; i < populations.size(); i++) {
            if (populations.get(i).organization() != null) {
                checkOrgRef(orgNames, "/populations/" + i + "/organization", populations.get(i).organization());
            }
        }
        List<World.MdmServer> servers = new ArrayList<>();
        JsonNode serverList = a.path("mdmServers");
        Set<String> serverNames = new HashSet<>();
        for (int i = 0; i < serverList.size(); i++) {
            String at = "/world/abm/mdmServers/" + i;
            JsonNode s = serverList.get(i);
            String name = s.get("name").asText();
            once(serverNames, name, at + "/name");
            JsonNode assign = s.path("assign");
            List<String> assignPopulations = new ArrayList<>();
            if (assign.isArray()) {
                for (int j = 0; j < assign.size(); j++) {
                    String pop = assign.get(j).asText();
                    assignPopulations.add(pop);
                    checkPopulationRef(populationNames, at + "/assign/" + j, pop);
                }
            }
            boolean all = assign.isTextual() || (assign.isMissingNode() && i == 0);
            if (s.has("organization")) {
                checkOrgRef(orgNames, at + "/organization", s.get("organization").asText());
            }
            servers.add(new World.MdmServer(name, s.has("organization") ? s.get("organization").asText() : null, all,
                    assign.isInt() ? assign.asInt() : null, assignPopulations,
                    pace(s.path("devicesPerMinute")), path(s.path("certificate")), path(s.path("tokenOut")),
                    t.at(at)));
        }
        if (servers.isEmpty()) {
            servers.add(new World.MdmServer(DEFAULT_SERVER, null, true, null, List.of(), null, null, null, t.at("/world")));
            serverNames.add(DEFAULT_SERVER);
        }
        Integer pace = pace(a.path("devicesPerMinute"));
        World.Abm abm = new World.Abm(orgs,
                a.has("devices") ? a.get("devices").asInt() : null, path(a.path("inventory")),
                pace == null ? 0 : pace, servers, a.has("settings") ? a.get("settings") : null);

        JsonNode m = w.path("mdm");
        URI url = m.has("url") ? URI.create(m.get("url").asText()) : null;
        boolean process = m.path("process").asBoolean(false);
        if (url != null && process) {
            problem("/world/mdm/process", "world.mdm.process: not with a url (expected: either the url of a system"
                    + " under test, or process: true to start the reference MDM as its own process)");
        }
        if ((url != null || process) && clock.manual()) {
            problem("/clock", "clock: manual with an MDM in another process (expected: wall or xN; a manual clock"
                    + " can only be shared by the parts in this process)");
        }
        if (url != null) {
            for (String ours : List.of("tokens", "policy", "vppTokens", "depSyncInterval", "https")) {
                if (m.has(ours)) {
                    problem("/world/mdm/" + ours, "world.mdm." + ours + ": only for the reference MDM (expected: no "
                            + ours + " with world.mdm.url; configure your MDM yourself)");
                }
            }
        }
        List<World.Token> tokens = new ArrayList<>();
        JsonNode tokenList = m.path("tokens");
        Set<String> tokenServers = new HashSet<>();
        for (int i = 0; i < tokenList.size(); i++) {
            String at = "/world/mdm/tokens/" + i;
            JsonNode tk = tokenList.get(i);
            String server = tk.get("mdmServer").asText();
            checkServerRef(serverNames, at + "/mdmServer", server);
            if (!tokenServers.add(server)) {
                problem(at + "/mdmServer", "world.mdm.tokens[" + i + "].mdmServer: '" + server
                        + "' has a token already (expected: one token per MDM server)");
            }
            List<World.Profile> profiles = new ArrayList<>();
            JsonNode profileList = tk.path("profiles");
            int defaults = 0;
            for (int j = 0; j < profileList.size(); j++) {
                String pat = at + "/profiles/" + j;
                JsonNode pr = profileList.get(j);
                ObjectNode settings = pr.deepCopy();
                boolean isDefault = settings.path("default").asBoolean(false);
                defaults += isDefault ? 1 : 0;
                settings.remove("default");
                settings.remove("assign");
                List<String> assign = new ArrayList<>();
                JsonNode as = pr.path("assign");
                for (int k = 0; k < as.size(); k++) {
                    assign.add(as.get(k).asText());
                    checkPopulationRef(populationNames, pat + "/assign/" + k, as.get(k).asText());
                }
                profiles.add(new World.Profile(pr.get("name").asText(), isDefault, assign, settings, t.at(pat)));
                if (defaults > 1 && isDefault) {
                    problem(pat + "/default", ScenarioSchema.dotted(pat) + ".default: a second default profile"
                            + " (expected: one default profile per token)");
                }
            }
            tokens.add(new World.Token(server, tk.path("appleId").asText(DEFAULT_APPLE_ID), profiles, t.at(at)));
        }
        if (tokenList.isMissingNode() && url == null) {
            for (World.MdmServer s : servers) {
                if (s.certificate() == null) {
                    tokens.add(new World.Token(s.name(), DEFAULT_APPLE_ID, List.of(), s.where()));
                }
            }
        }
        for (World.MdmServer s : servers) {
            if (s.certificate() != null && tokenServers.contains(s.name())) {
                problem("/world/abm", "world.abm.mdmServers: '" + s.name() + "' has a real MDM's certificate and a"
                        + " token of the reference MDM (expected: one or the other)");
            }
        }
        List<World.VppToken> vpp = new ArrayList<>();
        JsonNode vppList = m.path("vppTokens");
        for (int i = 0; i < vppList.size(); i++) {
            JsonNode v = vppList.get(i);
            vpp.add(new World.VppToken(v.get("name").asText(), v.path("organization").asText(null),
                    v.get("expiry").asText(), v.get("companyPortalLicenses").asInt(), t.at("/world/mdm/vppTokens/" + i)));
        }
        Duration syncInterval = m.has("depSyncInterval") ? duration("/world/mdm/depSyncInterval") : null;
        return new World(abm, new World.Mdm(url, process, syncInterval, m.path("https").asBoolean(false), tokens,
                m.has("policy") ? m.get("policy") : null, vpp));
    }

    private static Integer pace(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        return v.isTextual() ? Integer.valueOf(0) : Integer.valueOf(v.asInt());
    }

    private Path path(JsonNode v) {
        if (!v.isTextual()) {
            return null;
        }
        Path p = Path.of(v.asText());
        return file == null || p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p).normalize();
    }

    // ---- fleet and load -------------------------------------------------------------------------------------------

    private FleetSpec fleet(JsonNode f) {
        if (f.has("keyPoolFile") && !f.has("keyPool")) {
            problem("/fleet/keyPoolFile", "fleet.keyPoolFile: needs fleet.keyPool (expected: how many keys the pool"
                    + " holds)");
        }
        return new FleetSpec(intOrNull(f, "concurrency"), intOrNull(f, "maxConnections"), intOrNull(f, "keyPool"),
                path(f.path("keyPoolFile")),
                f.has("lifetime") ? duration("/fleet/lifetime") : null,
                f.has("checkinInterval") ? duration("/fleet/checkinInterval") : null,
                f.has("tokenUpdateInterval") ? duration("/fleet/tokenUpdateInterval") : null,
                f.has("idlePollInterval") ? duration("/fleet/idlePollInterval") : null,
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
                problem("/load/" + k, "load." + k + ": not used by " + model + " (expected: "
                        + String.join(", ", keys.get(model)) + ")");
            }
        }
        Duration unit = l.has("timeUnit") ? duration("/load/timeUnit") : Duration.ofMinutes(1);
        if (unit.isZero()) {
            problem("/load/timeUnit", "load.timeUnit: 0s (expected: more than 0)");
            unit = Duration.ofMinutes(1);
        }
        return switch (model) {
            case "constant-arrival-rate" -> {
                if (!l.has("rate")) {
                    problem("/load", "load: missing key 'rate' (expected: devices per timeUnit, e.g. rate: 3000)");
                    yield new LoadSpec.AllAtOnce();
                }
                yield new LoadSpec.ConstantArrivalRate(l.get("rate").asDouble(), unit,
                        l.has("duration") ? duration("/load/duration") : null);
            }
            case "ramping-arrival-rate" -> {
                if (!l.has("stages")) {
                    problem("/load", "load: missing key 'stages' (expected: a list of {target, duration})");
                    yield new LoadSpec.AllAtOnce();
                }
                List<LoadSpec.Stage> stages = new ArrayList<>();
                for (int i = 0; i < l.get("stages").size(); i++) {
                    stages.add(new LoadSpec.Stage(l.get("stages").get(i).get("target").asDouble(),
                            duration("/load/stages/" + i + "/duration")));
                }
                yield new LoadSpec.RampingArrivalRate(l.path("startRate").asDouble(0), unit, stages);
            }
            case "constant-devices" -> {
                if (!l.has("devices")) {
                    problem("/load", "load: missing key 'devices' (expected: how many devices run at a time)");
                    yield new LoadSpec.AllAtOnce();
                }
                yield new LoadSpec.ConstantDevices(l.get("devices").asInt());
            }
            default -> new LoadSpec.AllAtOnce();
        };
    }

    // ---- actions --------------------------------------------------------------------------------------------------

    private List<ActionSpec> actions(JsonNode list, World world, Set<String> populationNames, ClockSpec clock) {
        List<ActionSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> serverNames = new HashSet<>();
        world.abm().mdmServers().forEach(s -> serverNames.add(s.name()));
        for (int i = 0; i < list.size(); i++) {
            String at = "/actions/" + i;
            JsonNode a = list.get(i);
            ActionSpec.Kind kind = null;
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                ActionSpec.Kind k = ActionSpec.Kind.ofKey(it.next());
                if (k != null) {
                    kind = k;
                }
            }
            if (kind == null) {
                continue; // the schema said so
            }
            Duration when = duration(at + "/at");
            String name = a.path("name").asText(kind.words() + " at " + Durations.format(when));
            once(names, name, at + (a.has("name") ? "/name" : ""));
            JsonNode args = a.get(kind.key());
            String argsAt = at + "/" + kind.key();
            switch (kind) {
                case ADVANCE_CLOCK -> {
                    duration(argsAt);
                    if (!clock.manual()) {
                        problem(argsAt, "actions[" + i + "].advanceClock: the clock is " + clock.text()
                                + " (expected: clock: manual to move it by hand)");
                    }
                }
                case RENEW_TOKEN, SYNC, ASSIGN, EDIT_PROFILE -> {
                    if (args.has("mdmServer")) {
                        checkServerRef(serverNames, argsAt + "/mdmServer", args.get("mdmServer").asText());
                    }
                    if (kind == ActionSpec.Kind.EDIT_PROFILE) {
                        checkProfileRef(world, argsAt, args);
                    }
                    if (kind != ActionSpec.Kind.ASSIGN && kind != ActionSpec.Kind.RENEW_TOKEN) {
                        needOurMdm(world, argsAt, kind);
                    }
                }
                case WIPE, RETIRE -> {
                    needOurMdm(world, argsAt, kind);
                    if (args.has("population")) {
                        checkPopulationRef(populationNames, argsAt + "/population", args.get("population").asText());
                    }
                    if (!args.has("population") && !args.has("serials")) {
                        problem(argsAt, ScenarioSchema.dotted(argsAt) + ": which devices? (expected: population,"
                                + " with an optional count, or serials)");
                    }
                }
                case SET_POLICY -> needOurMdm(world, argsAt, kind);
                default -> { }
            }
            out.add(new ActionSpec(when, name, kind, args, t.at(at)));
        }
        out.sort(Comparator.comparing(ActionSpec::at));
        return out;
    }

    private void needOurMdm(World world, String at, ActionSpec.Kind kind) {
        if (!world.mdm().ours()) {
            problem(at, ScenarioSchema.dotted(at) + ": " + kind.words() + " drives the reference MDM's admin API"
                    + " (expected: no world.mdm.url, or do it in your MDM yourself)");
        }
    }

    private void checkProfileRef(World world, String at, JsonNode args) {
        String profile = args.get("profile").asText();
        boolean known = world.mdm().tokens().stream().anyMatch(tk -> (!args.has("mdmServer")
                || tk.mdmServer().equals(args.get("mdmServer").asText()))
                && tk.profiles().stream().anyMatch(p -> p.name().equals(profile)));
        if (!known) {
            problem(at + "/profile", ScenarioSchema.dotted(at) + ".profile: '" + profile
                    + "' is not a profile of world.mdm.tokens (expected: the name of one)");
        }
    }

    // ---- expectations ---------------------------------------------------------------------------------------------

    private List<ExpectationSpec> expectations(JsonNode list, World world, Set<String> populationNames,
                                               List<ActionSpec> actions) {
        List<ExpectationSpec> out = new ArrayList<>();
        Set<String> serverNames = new HashSet<>();
        world.abm().mdmServers().forEach(s -> serverNames.add(s.name()));
        Set<String> actionNames = new HashSet<>();
        actions.forEach(a -> actionNames.add(a.name()));
        for (int i = 0; i < list.size(); i++) {
            String at = "/expect/" + i;
            JsonNode e = list.get(i);
            ExpectationSpec.Subject subject = null;
            String value = null;
            for (ExpectationSpec.Subject s : ExpectationSpec.Subject.values()) {
                String key = s.key();
                if (e.has(key)) {
                    subject = s;
                    value = e.get(key).asText();
                }
            }
            if (subject == null) {
                continue; // the schema said so
            }
            Threshold threshold;
            try {
                threshold = Threshold.parse(e.get("threshold").asText());
            } catch (IllegalArgumentException ex) {
                problem(at + "/threshold", "expect[" + i + "].threshold: " + ex.getMessage());
                continue;
            }
            String population = e.has("population") ? e.get("population").asText() : null;
            if (population != null) {
                checkPopulationRef(populationNames, at + "/population", population);
                if (!List.of(ExpectationSpec.Subject.OUTCOME, ExpectationSpec.Subject.STAGE,
                        ExpectationSpec.Subject.ERROR, ExpectationSpec.Subject.MANAGEMENT,
                        ExpectationSpec.Subject.DEVICES, ExpectationSpec.Subject.MDM_DEVICE).contains(subject)) {
                    problem(at + "/population", "expect[" + i + "].population: not for " + key(subject)
                            + " (expected: only with outcome, stage, error, management, devices or mdmDevice)");
                }
            }
            String server = e.has("mdmServer") ? e.get("mdmServer").asText() : null;
            if (server != null) {
                checkServerRef(serverNames, at + "/mdmServer", server);
                if (subject != ExpectationSpec.Subject.DEP) {
                    problem(at + "/mdmServer", "expect[" + i + "].mdmServer: only for dep (expected: no mdmServer"
                            + " here)");
                }
            }
            String result = e.has("result") ? e.get("result").asText() : null;
            if (e.has("matches")) {
                if (subject != ExpectationSpec.Subject.MDM_DEVICE) {
                    problem(at + "/matches", "expect[" + i + "].matches: only for mdmDevice (expected: no matches"
                            + " here)");
                }
                try {
                    java.util.regex.Pattern.compile(e.get("matches").asText());
                } catch (java.util.regex.PatternSyntaxException bad) {
                    problem(at + "/matches", "expect[" + i + "].matches: '" + e.get("matches").asText() + "' ("
                            + bad.getDescription() + "; expected: a regular expression)");
                }
                result = e.get("matches").asText();
            }
            if (e.has("result") && subject != ExpectationSpec.Subject.ACTION) {
                problem(at + "/result", "expect[" + i + "].result: only for action (expected: no result here)");
            }
            if (subject == ExpectationSpec.Subject.ACTION && !actionNames.contains(value)) {
                problem(at + "/action", "expect[" + i + "].action: '" + value + "' is not an action's name"
                        + " (expected: one of " + String.join(", ", actions.stream().map(ActionSpec::name).toList())
                        + ")");
            }
            if ((subject == ExpectationSpec.Subject.COMMANDS || subject == ExpectationSpec.Subject.MDM_DEVICE)
                    && !world.mdm().ours()) {
                problem(at, "expect[" + i + "]: " + key(subject) + " is read from the reference MDM's admin API"
                        + " (expected: no world.mdm.url)");
            }
            checkAggregate(at, i, subject, threshold);
            String name = e.has("name") ? e.get("name").asText()
                    : ExpectationSpec.describe(subject, value, population, server, result);
            out.add(new ExpectationSpec(name, subject, value, population, server, result == null && subject
                    == ExpectationSpec.Subject.ACTION ? "accepted" : result, threshold, t.at(at)));
        }
        return out;
    }

    private void checkAggregate(String at, int i, ExpectationSpec.Subject subject, Threshold th) {
        boolean valuesOk = subject == ExpectationSpec.Subject.STAGE || subject == ExpectationSpec.Subject.DEP;
        if (th.overValues() && !valuesOk) {
            problem(at + "/threshold", "expect[" + i + "].threshold: " + th.aggregateLabel() + " on " + key(subject)
                    + " (expected: count or rate)");
        } else if (th.aggregate().equals("rate") && valuesOk) {
            problem(at + "/threshold", "expect[" + i + "].threshold: rate on " + key(subject)
                    + " (expected: p(N), avg, min, med, max or count)");
        } else if (th.timed() && subject != ExpectationSpec.Subject.STAGE) {
            problem(at + "/threshold", "expect[" + i + "].threshold: a time (" + th.text() + ") on " + key(subject)
                    + " (expected: a number)");
        } else if (th.aggregate().equals("rate") && th.unit().isEmpty() && (th.value() < 0 || th.value() > 1)) {
            problem(at + "/threshold", "expect[" + i + "].threshold: rate " + th.op().symbol() + " "
                    + th.value() + " (expected: a rate 0..1 or a percentage such as 99%)");
        }
    }

    private static String key(ExpectationSpec.Subject s) {
        return s.key();
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** A name used once only: a second use is a problem at its place. */
    private void once(Set<String> seen, String name, String at) {
        if (!seen.add(name)) {
            problem(at, ScenarioSchema.dotted(at.endsWith("/name") ? at : at + "/name") + ": '" + name
                    + "' is used twice (expected: a name of its own)");
        }
    }

    private void checkPopulationRef(Set<String> names, String at, String name) {
        if (!names.contains(name)) {
            problem(at, ScenarioSchema.dotted(at) + ": '" + name + "' is not a population (expected: one of "
                    + (names.isEmpty() ? "(none defined)" : String.join(", ", names.stream().sorted().toList())) + ")");
        }
    }

    private void checkOrgRef(Set<String> names, String at, String name) {
        if (!names.contains(name)) {
            problem(at, ScenarioSchema.dotted(at) + ": '" + name + "' is not an organization of world.abm (expected: "
                    + (names.isEmpty() ? "an organization listed in world.abm.organizations"
                    : "one of " + String.join(", ", names.stream().sorted().toList())) + ")");
        }
    }

    private void checkServerRef(Set<String> names, String at, String name) {
        if (!names.contains(name)) {
            problem(at, ScenarioSchema.dotted(at) + ": '" + name + "' is not an MDM server of world.abm (expected: one"
                    + " of " + String.join(", ", names.stream().sorted().toList()) + ")");
        }
    }

    private Duration duration(String pointer) {
        String text = t.root().at(pointer).asText();
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problem(pointer, ScenarioSchema.dotted(pointer) + ": " + e.getMessage());
            return Duration.ZERO;
        }
    }

    private void problem(String pointer, String message) {
        problems.add(new Problem(t.at(pointer), message));
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
