package io.mdmsim.scenarios.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.scenarios.file.Problem;
import io.mdmsim.scenarios.file.ScenarioException;
import io.mdmsim.scenarios.model.Durations;
import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.model.World;
import io.mdmsim.scenarios.quickstart.AdminClient;
import io.mdmsim.scenarios.quickstart.AdminClient.Answer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Sets up a scenario's world the way its administrators would, over the admin APIs only: the inventory in the fake
 * ABM, VPP tokens and the enrollment policy in the MDM, MDM servers with their devices in ABM, each server's token
 * downloaded and uploaded to the MDM (or written out for a real MDM), the first sync, and the enrollment profiles
 * assigned to their populations' devices.
 */
final class Provisioner {

    /** Real time the runner waits for the MDM's first sync of a token. */
    private static final Duration SYNC_WAIT = Duration.ofMinutes(3);
    private static final int CSV_CHUNK = 10_000;
    private static final int ASSIGN_CHUNK = 1_000;

    private final Scenario scenario;
    private final LiveWorld world;
    private final SimClock clock;
    private final Consumer<String> log;
    /** MDM server name to the MDM's token name. */
    private final Map<String, String> tokenNames = new LinkedHashMap<>();
    /** Population name to its serials. */
    private final Map<String, List<String>> serialsByPopulation = new LinkedHashMap<>();

    Provisioner(Scenario scenario, LiveWorld world, SimClock clock, Consumer<String> log) {
        this.scenario = scenario;
        this.world = world;
        this.clock = clock;
        this.log = log;
    }

    /** The MDM's token name of each MDM server that has one. */
    Map<String, String> tokenNames() {
        return tokenNames;
    }

    /** The serials of each population's devices. */
    Map<String, List<String>> serialsByPopulation() {
        return serialsByPopulation;
    }

    /** MDM server name to how many devices ABM assigned to it. */
    private final Map<String, Integer> assignedTo = new LinkedHashMap<>();
    /** Organization name to its ABM id. */
    private final Map<String, String> orgIds = new LinkedHashMap<>();

    /** The organizations after the first (which the fake ABM starts with), created as the ABM admin would. */
    void organizations() {
        AdminClient abm = world.abmAdmin();
        List<World.Organization> orgs = scenario.world().abm().organizations();
        JsonNode first = abm.getJson("/admin/organizations").path(0);
        if (!orgs.isEmpty()) {
            orgIds.put(orgs.getFirst().name(), first.path("orgId").asText());
        }
        for (World.Organization o : orgs.subList(Math.min(1, orgs.size()), orgs.size())) {
            Answer a = answer(abm.exchange("POST", "/admin/organizations", o.details()), "creating organization "
                    + o.name(), null);
            orgIds.put(o.name(), a.json().path("orgId").asText());
        }
    }

    /** The query of an organization by name ("" for the first, the fake ABM's default). */
    private String orgQuery(String name, char sep) {
        return name == null || !orgIds.containsKey(name) ? "" : sep + "organization=" + enc(orgIds.get(name));
    }

    /** The fake ABM's inventory: devices made from the populations, or a CSV file, imported. */
    void inventory(List<DevicePlan.Device> made) {
        AdminClient abm = world.abmAdmin();
        if (scenario.world().abm().settings() != null) {
            abm.exchange("PUT", "/admin/settings", scenario.world().abm().settings());
        }
        if (scenario.world().abm().inventory() != null) {
            Path csv = scenario.world().abm().inventory();
            try {
                answer(abm.exchangeBytes("POST", "/admin/devices/import", Files.readAllBytes(csv), "text/csv"),
                        "importing " + csv, at("/world/abm/inventory"));
            } catch (IOException e) {
                throw new ScenarioException(new Problem(at("/world/abm/inventory"), "world.abm.inventory: cannot read "
                        + csv + " (" + e.getMessage() + ")"));
            }
        }
        Map<String, List<DeviceSpec>> byOrg = new LinkedHashMap<>();
        made.stream().filter(d -> !d.population().ota()).forEach(d -> byOrg.computeIfAbsent(
                d.population().organization() == null ? "" : d.population().organization(),
                k -> new ArrayList<>()).add(d.spec()));
        byOrg.forEach((org, ade) -> {
            for (int from = 0; from < ade.size(); from += CSV_CHUNK) {
                StringBuilder csv = new StringBuilder("serial_number,product_type,os_version,build_version\n");
                for (DeviceSpec d : ade.subList(from, Math.min(ade.size(), from + CSV_CHUNK))) {
                    csv.append(d.serialNumber()).append(",\"").append(d.productType()).append("\",")
                            .append(d.osVersion()).append(',').append(d.buildVersion()).append('\n');
                }
                answer(abm.exchangeBytes("POST", "/admin/devices/import" + orgQuery(org, '?'),
                        csv.toString().getBytes(StandardCharsets.UTF_8), "text/csv"),
                        "importing the populations' devices", null);
            }
        });
    }

    /**
     * The fake ABM's devices a population may pick, as the emulator needs them: those assigned to an MDM server, or
     * every device when a server is still to assign populations' devices.
     */
    List<DeviceSpec> abmDevices() {
        boolean byPopulation = scenario.world().abm().mdmServers().stream()
                .anyMatch(s -> !s.assignPopulations().isEmpty());
        List<DeviceSpec> out = new ArrayList<>();
        for (JsonNode d : world.abmAdmin().getJson("/admin/devices")) {
            if (!byPopulation && !d.path("mdmServer").isTextual()) {
                continue;
            }
            out.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                    d.path("model").asText(), d.path("osVersion").asText(), d.path("buildVersion").asText()));
        }
        return out;
    }

    /** The MDM's VPP tokens and policy (reference MDM only). */
    void mdmPolicy() {
        AdminClient mdm = world.mdmAdmin();
        World.Mdm m = scenario.world().mdm();
        if (mdm == null) {
            return;
        }
        for (World.VppToken v : m.vppTokens()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", v.name());
            if (v.organization() != null) {
                body.put("organization", v.organization());
            }
            body.put("expiry", expiry(v.expiry()));
            body.put("companyPortalLicenses", v.companyPortalLicenses());
            answer(mdm.exchange("POST", "/admin/vpp-tokens", body), "adding VPP token " + v.name(), v.where());
        }
        if (m.policy() != null) {
            answer(mdm.exchange("PUT", "/admin/policy", m.policy()), "setting the enrollment policy",
                    at("/world/mdm/policy"));
        }
    }

    /** A VPP token's expiry as the MDM takes it: a date or instant as written, or +/-duration from now. */
    String expiry(String written) {
        if (written.startsWith("+") || written.startsWith("-")) {
            Duration d = Durations.parse(written.substring(1));
            Instant now = clock.now();
            return (written.startsWith("+") ? now.plus(d) : now.minus(d)).toString();
        }
        return written;
    }

    /** MDM servers in ABM, their devices assigned, tokens uploaded (or written for a real MDM) and synced. */
    /** MDM servers created in ABM (with the reference MDM's key or a real MDM's certificate), all or N devices assigned. */
    void servers() {
        AdminClient abm = world.abmAdmin();
        AdminClient mdm = world.mdmAdmin();
        for (World.MdmServer s : scenario.world().abm().mdmServers()) {
            String pem;
            try {
                pem = s.certificate() != null ? Files.readString(s.certificate())
                        : mdm != null ? mdm.getText("/admin/dep/public-key") : null;
            } catch (IOException e) {
                throw new ScenarioException(new Problem(s.where(), "certificate: cannot read " + s.certificate()
                        + " (" + e.getMessage() + ")"));
            }
            if (pem == null) {
                continue; // a system under test that syncs from elsewhere: no server here
            }
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("name", s.name());
            server.put("certificatePem", pem);
            if (s.organization() != null && orgIds.containsKey(s.organization())) {
                server.put("organization", orgIds.get(s.organization()));
            }
            answer(abm.exchange("POST", "/admin/mdm-servers", server), "creating MDM server " + s.name(), s.where());
            if (s.devicesPerMinute() != null) {
                abm.exchange("PUT", "/admin/mdm-servers/" + enc(s.name()) + "/pace", Map.of("devicesPerMinute",
                        s.devicesPerMinute() == 0 ? "unlimited" : s.devicesPerMinute()));
            }
            if (s.assignPopulations().isEmpty()) {
                assignedTo.put(s.name(), assign(s));
            }
        }
    }

    /** The named devices an inventory lacked, imported and assigned where the servers assign all. */
    void addMissing(List<DevicePlan.Device> missing) {
        inventory(missing);
        for (World.MdmServer s : scenario.world().abm().mdmServers()) {
            if (s.assignAll() && assignedTo.containsKey(s.name())) {
                assignedTo.put(s.name(), assign(s));
            }
        }
    }

    /**
     * The populations' devices assigned to the servers that name them; the tokens of real MDMs written out; the
     * reference MDM's tokens uploaded and synced, with their profiles.
     */
    void populationsAndTokens(List<DevicePlan.Device> devices, Path outDir) {
        devices.forEach(d -> serialsByPopulation.computeIfAbsent(d.population().name(), k -> new ArrayList<>())
                .add(d.spec().serialNumber()));
        AdminClient abm = world.abmAdmin();
        AdminClient mdm = world.mdmAdmin();
        for (World.MdmServer s : scenario.world().abm().mdmServers()) {
            if (!s.assignPopulations().isEmpty()) {
                assignedTo.put(s.name(), assign(s));
            }
            if (s.certificate() != null) {
                Path out = s.tokenOut() != null ? s.tokenOut() : outDir.resolve(s.name().replaceAll("[^A-Za-z0-9._-]",
                        "-") + ".p7m");
                try {
                    Files.createDirectories(out.toAbsolutePath().getParent());
                    Files.write(out, abm.postForBytes("/admin/mdm-servers/" + enc(s.name()) + "/token"));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot write the server token to " + out + ": " + e.getMessage(), e);
                }
                log.accept(String.format("MDM server %s: %d devices assigned; its token for your MDM is in %s", s.name(),
                        assignedTo.get(s.name()), out));
            }
        }
        for (World.Token t : scenario.world().mdm().tokens()) {
            byte[] p7m = abm.postForBytes("/admin/mdm-servers/" + enc(t.mdmServer()) + "/token");
            Answer a = answer(mdm.exchangeBytes("POST", "/admin/dep/tokens?appleId=" + enc(t.appleId()) + "&depUrl="
                    + enc(world.abmUri().toString()), p7m, "application/pkcs7-mime"), "uploading the token of "
                    + t.mdmServer(), t.where());
            String name = a.json().path("name").asText();
            tokenNames.put(t.mdmServer(), name);
            int expected = assignedTo.getOrDefault(t.mdmServer(), 0);
            boolean paced = scenario.world().abm().devicesPerMinute() > 0;
            JsonNode synced = awaitToken(name, n -> n.path("syncState").asText().equals("SYNCED")
                    && (paced || n.path("devices").asInt() >= expected));
            profiles(t, name, synced);
            log.accept(String.format("token %s (MDM server %s): %d devices synced, %d profile%s", name, t.mdmServer(),
                    synced.path("devices").asInt(), Math.max(1, t.profiles().size()),
                    t.profiles().size() > 1 ? "s" : ""));
        }
    }

    private int assign(World.MdmServer s) {
        AdminClient abm = world.abmAdmin();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mdmServer", s.name());
        if (s.assignAll()) {
            body.put("all", true);
        } else if (s.assignCount() != null) {
            List<String> serials = new ArrayList<>();
            for (JsonNode d : abm.getJson("/admin/devices?unassigned=true&limit=" + s.assignCount())) {
                serials.add(d.path("serialNumber").asText());
            }
            if (serials.isEmpty()) {
                return 0;
            }
            body.put("serials", serials);
        } else {
            List<String> serials = new ArrayList<>();
            for (String p : s.assignPopulations()) {
                serialsByPopulation.getOrDefault(p, List.of()).forEach(serials::add);
            }
            if (serials.isEmpty()) {
                return 0;
            }
            body.put("serials", serials);
        }
        return answer(abm.exchange("POST", "/admin/assignments", body), "assigning devices to " + s.name(), s.where())
                .json().path("assigned").asInt();
    }

    /** The token's profiles: created, the default one given to every device without one of its own. */
    private void profiles(World.Token t, String token, JsonNode synced) {
        if (t.profiles().isEmpty()) {
            return;
        }
        AdminClient mdm = world.mdmAdmin();
        Set<String> specific = new LinkedHashSet<>();
        Map<String, List<String>> assignments = new LinkedHashMap<>();
        String defaultUuid = null;
        for (World.Profile p : t.profiles()) {
            Answer a = answer(mdm.exchange("POST", "/admin/dep/tokens/" + enc(token) + "/profiles"
                    + (p.isDefault() ? "?default=true" : ""), p.settings()), "creating enrollment profile " + p.name(),
                    p.where());
            String uuid = a.json().path("profileUuid").asText();
            if (p.isDefault()) {
                defaultUuid = uuid;
            }
            List<String> serials = new ArrayList<>();
            p.assign().forEach(pop -> serials.addAll(serialsByPopulation.getOrDefault(pop, List.of())));
            specific.addAll(serials);
            assignments.put(uuid, serials);
        }
        if (defaultUuid != null) {
            List<String> rest = new ArrayList<>();
            for (JsonNode d : mdm.getJson("/admin/dep/tokens/" + enc(token) + "/devices")) {
                String serial = d.path("serialNumber").asText();
                if (!specific.contains(serial)) {
                    rest.add(serial);
                }
            }
            assignments.get(defaultUuid).addAll(rest);
        }
        assignments.forEach((uuid, serials) -> {
            for (int from = 0; from < serials.size(); from += ASSIGN_CHUNK) {
                answer(mdm.exchange("POST", "/admin/dep/tokens/" + enc(token) + "/profiles/" + uuid + "/devices",
                        Map.of("serials", serials.subList(from, Math.min(serials.size(), from + ASSIGN_CHUNK)))),
                        "assigning profile " + uuid, null);
            }
        });
    }

    /** Waits (real time, bounded) until the MDM's record of the token satisfies the condition. */
    JsonNode awaitToken(String name, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + SYNC_WAIT.toNanos();
        while (true) {
            JsonNode token = null;
            for (JsonNode n : world.mdmAdmin().getJson("/admin/dep/tokens")) {
                if (n.path("name").asText().equals(name)) {
                    token = n;
                }
            }
            if (token != null && condition.test(token)) {
                return token;
            }
            if (token != null && token.path("syncState").asText().equals("FAILED")) {
                throw new IllegalStateException("the MDM's sync of token " + name + " failed: "
                        + token.path("lastError").asText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the MDM did not sync token " + name + " within "
                        + SYNC_WAIT.toMinutes() + " minutes: " + token);
            }
            Pause.briefly();
        }
    }

    /** An answer that must be 2xx; a refusal of something the scenario wrote is a scenario problem at its place. */
    private Answer answer(Answer a, String what, io.mdmsim.scenarios.model.Where where) {
        if (a.ok()) {
            return a;
        }
        String msg = what + ": " + a.status() + " " + a.message();
        JsonNode violations = a.json().path("violations");
        if (violations.isArray() && !violations.isEmpty()) {
            List<String> v = new ArrayList<>();
            violations.forEach(x -> v.add(x.asText()));
            msg = what + ": the MDM refused it: " + String.join("; ", v);
        }
        if (where != null && a.status() / 100 == 4) {
            throw new ScenarioException(new Problem(where, msg));
        }
        throw new IllegalStateException(msg);
    }

    private io.mdmsim.scenarios.model.Where at(String pointer) {
        return io.mdmsim.scenarios.model.Where.file(scenario.file() == null ? scenario.name()
                : scenario.file().toString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
