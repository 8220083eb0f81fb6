package io.mdmsim.scenarios.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.scenarios.model.ClockSpec;
import io.mdmsim.scenarios.model.PopulationSpec;
import io.mdmsim.scenarios.model.World;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The world of a scenario tree: the fake ABM's organizations, inventory and MDM servers; the MDM or a system under test. */
final class WorldReader {

    private static final String DEFAULT_SERVER = "MDM Server";
    private static final String DEFAULT_APPLE_ID = "admin@mdmsim.example";

    private final MappingContext c;
    private final LocatedTree t;

    WorldReader(MappingContext c) {
        this.c = c;
        this.t = c.t;
    }

    World world(JsonNode w, List<PopulationSpec> populations, Set<String> populationNames, ClockSpec clock) {
        JsonNode a = w.path("abm");
        List<World.Organization> orgs = new ArrayList<>();
        Set<String> orgNames = new HashSet<>();
        for (int i = 0; i < a.path("organizations").size(); i++) {
            JsonNode o = a.path("organizations").get(i);
            c.once(orgNames, o.get("name").asText(), "/world/abm/organizations/" + i + "/name");
            orgs.add(new World.Organization(o.get("name").asText(), o));
        }
        for (int i = 0; i < populations.size(); i++) {
            if (populations.get(i).organization() != null) {
                c.checkOrgRef(orgNames, "/populations/" + i + "/organization", populations.get(i).organization());
            }
        }
        List<World.MdmServer> servers = new ArrayList<>();
        JsonNode serverList = a.path("mdmServers");
        Set<String> serverNames = new HashSet<>();
        for (int i = 0; i < serverList.size(); i++) {
            String at = "/world/abm/mdmServers/" + i;
            JsonNode s = serverList.get(i);
            String name = s.get("name").asText();
            c.once(serverNames, name, at + "/name");
            JsonNode assign = s.path("assign");
            List<String> assignPopulations = new ArrayList<>();
            if (assign.isArray()) {
                for (int j = 0; j < assign.size(); j++) {
                    String pop = assign.get(j).asText();
                    assignPopulations.add(pop);
                    c.checkPopulationRef(populationNames, at + "/assign/" + j, pop);
                }
            }
            boolean all = assign.isTextual() || (assign.isMissingNode() && i == 0);
            if (s.has("organization")) {
                c.checkOrgRef(orgNames, at + "/organization", s.get("organization").asText());
            }
            servers.add(new World.MdmServer(name, s.has("organization") ? s.get("organization").asText() : null, all,
                    assign.isInt() ? assign.asInt() : null, assignPopulations,
                    pace(s.path("devicesPerMinute")), c.path(s.path("certificate")), c.path(s.path("tokenOut")),
                    t.at(at)));
        }
        if (servers.isEmpty()) {
            servers.add(new World.MdmServer(DEFAULT_SERVER, null, true, null, List.of(), null, null, null, t.at("/world")));
            serverNames.add(DEFAULT_SERVER);
        }
        Integer pace = pace(a.path("devicesPerMinute"));
        World.Abm abm = new World.Abm(orgs,
                a.has("devices") ? a.get("devices").asInt() : null, c.path(a.path("inventory")),
                pace == null ? 0 : pace, servers, a.has("settings") ? a.get("settings") : null,
                a.path("port").asInt(0));

        JsonNode m = w.path("mdm");
        URI url = m.has("url") ? URI.create(m.get("url").asText()) : null;
        boolean process = m.path("process").asBoolean(false);
        if (url != null && process) {
            c.problem("/world/mdm/process", "world.mdm.process: not with a url (expected: either the url of a system"
                    + " under test, or process: true to start the reference MDM as its own process)");
        }
        if ((url != null || process) && clock.manual()) {
            c.problem("/clock", "clock: manual with an MDM in another process (expected: wall or xN; a manual clock"
                    + " can only be shared by the parts in this process)");
        }
        if (url != null) {
            for (String ours : List.of("tokens", "policy", "vppTokens", "depSyncInterval", "https")) {
                if (m.has(ours)) {
                    c.problem("/world/mdm/" + ours, "world.mdm." + ours + ": only for the reference MDM (expected: no "
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
            c.checkServerRef(serverNames, at + "/mdmServer", server);
            if (!tokenServers.add(server)) {
                c.problem(at + "/mdmServer", "world.mdm.tokens[" + i + "].mdmServer: '" + server
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
                    c.checkPopulationRef(populationNames, pat + "/assign/" + k, as.get(k).asText());
                }
                profiles.add(new World.Profile(pr.get("name").asText(), isDefault, assign, settings, t.at(pat)));
                if (defaults > 1 && isDefault) {
                    c.problem(pat + "/default", ScenarioSchema.dotted(pat) + ".default: a second default profile"
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
                c.problem("/world/abm", "world.abm.mdmServers: '" + s.name() + "' has a real MDM's certificate and a"
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
        Duration syncInterval = m.has("depSyncInterval") ? c.duration("/world/mdm/depSyncInterval") : null;
        return new World(abm, new World.Mdm(url, process, syncInterval, m.path("https").asBoolean(false), tokens,
                m.has("policy") ? m.get("policy") : null, vpp));
    }

    private static Integer pace(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        return v.isTextual() ? Integer.valueOf(0) : Integer.valueOf(v.asInt());
    }
}
