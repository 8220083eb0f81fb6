package io.mdmsim.scenarios.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.cli.Main;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every option of 'mdmsim devices' can be said in a scenario: under a population's behaviour, fleet, or elsewhere. */
class KnobsTest {

    /** Options whose scenario key is not their own name in camelCase, and where it is. */
    private static final Map<String, String> ELSEWHERE = Map.ofEntries(
            Map.entry("--abm", "world.abm (the runner's fake ABM)"),
            Map.entry("--admin-token", "the runner's fake ABM hands its token to the runner"),
            Map.entry("--profile", "populations[].enrollment: ota with profileUrl"),
            Map.entry("--count", "populations[].count"),
            Map.entry("--models", "populations[].models"),
            Map.entry("--os", "populations[].os"),
            Map.entry("--ipad-share", "populations[].ipadShare"),
            Map.entry("--seed", "seed"),
            Map.entry("--clock", "clock (the scenario's, top level)"),
            Map.entry("--deadline", "deadline (the scenario's, top level)"),
            Map.entry("--stage-timeout", "stageTimeouts (top level)"),
            Map.entry("--shard", "mdmsim run --shard"),
            Map.entry("--apns", "fleet.push"),
            Map.entry("--trace-dir", "the report folder's traces/"),
            Map.entry("--trace-all", "fleet.traces: all"),
            Map.entry("--pki-dir", "the runner's PKI"),
            Map.entry("--report", "the report folder: mdmsim run --out"),
            Map.entry("--report-interval", "the report's time series: the runner picks its interval from the run's span"));

    @Test
    void everyDevicesOptionHasAScenarioKey() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(ScenarioSchema.get().text()).path("$defs");
        JsonNode behaviour = schema.path("behaviour").path("properties");
        JsonNode fleet = schema.path("fleet").path("properties");
        CommandLine devices = Main.commandLine().getSubcommands().get("devices");
        List<String> missing = new ArrayList<>();
        int knobs = 0;
        for (CommandLine.Model.OptionSpec o : devices.getCommandSpec().options()) {
            String name = o.longestName();
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            knobs++;
            String key = camel(name);
            if (!behaviour.has(key) && !fleet.has(key) && !ELSEWHERE.containsKey(name)) {
                missing.add(name + " (no behaviour." + key + " or fleet." + key + ")");
            }
        }
        assertTrue(knobs > 30, "the devices command's options were read: " + knobs);
        assertEquals(List.of(), missing);
    }

    private static String camel(String option) {
        String[] parts = option.replaceFirst("^--", "").split("-");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return sb.toString();
    }
}
