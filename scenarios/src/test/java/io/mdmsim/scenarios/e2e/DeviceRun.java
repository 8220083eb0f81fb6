package io.mdmsim.scenarios.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.PaneEvent;
import io.mdmsim.device.SetupPane;
import io.mdmsim.device.TraceOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** One virtual device's run with everything a test looks at: its result, the panes it saw, its HTTP trace. */
record DeviceRun(DeviceResult result, Map<SetupPane, PaneEvent> panes, List<JsonNode> trace) {

    /** Runs these ABM serials with traces on; the clock jumps to sleepers at most an hour away. */
    static List<DeviceRun> run(E2eWorld world, Path traces, Consumer<FleetConfig.Builder> tweak, String... serials)
            throws Exception {
        return run(world, traces, tweak, Map.of(), serials);
    }

    /**
     * Same, with some devices run as another model or OS version than the fake ABM lists ({@code specs} by serial):
     * the fake's catalog has no model older than 2021, so older iOS versions are simulated on the device side.
     */
    static List<DeviceRun> run(E2eWorld world, Path traces, Consumer<FleetConfig.Builder> tweak,
            Map<String, io.mdmsim.device.DeviceSpec> specs, String... serials) throws Exception {
        Map<String, Map<SetupPane, PaneEvent>> panes = new ConcurrentHashMap<>();
        FleetConfig.Builder b = Fleets.config(world, java.util.Arrays.stream(serials)
                .map(s -> specs.containsKey(s) ? specs.get(s) : Fleets.spec(world.abmDevice(s))).toList())
                .traces(TraceOptions.all(traces))
                .listener(new FleetListener() {
                    @Override
                    public void paneSeen(DeviceRef device, PaneEvent pane) {
                        panes.computeIfAbsent(device.serialNumber(), k -> new ConcurrentHashMap<>())
                                .put(pane.pane(), pane);
                    }
                });
        tweak.accept(b);
        FleetResult r = Fleets.runDriving(world, b.build(), java.time.Duration.ofHours(1));
        List<DeviceRun> out = new ArrayList<>();
        for (String serial : serials) {
            DeviceResult d = r.devices().stream().filter(x -> x.device().serialNumber().equals(serial)).findFirst()
                    .orElseThrow();
            List<JsonNode> lines = new ArrayList<>();
            Path file = TraceOptions.all(traces).file(serial);
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        lines.add(E2eWorld.JSON.readTree(line));
                    }
                }
            }
            out.add(new DeviceRun(d, panes.getOrDefault(serial, Map.of()), lines));
        }
        return out;
    }

    /** The HTTP exchanges whose request matches. */
    List<JsonNode> exchanges(Predicate<JsonNode> request) {
        return trace.stream().filter(l -> l.path("type").asText().equals("http"))
                .filter(l -> request.test(l.path("request"))).toList();
    }

    /** The first exchange to a URL ending with {@code suffix} (method too), or an error naming what was sent. */
    JsonNode exchange(String method, String urlPart) {
        return exchanges(r -> r.path("method").asText().equals(method) && r.path("url").asText().contains(urlPart))
                .stream().findFirst().orElseThrow(() -> new AssertionError("no " + method + " *" + urlPart
                        + "* in the trace of " + result.device().serialNumber() + ": " + urls()));
    }

    List<String> urls() {
        return exchanges(r -> true).stream().map(l -> l.path("request").path("method").asText() + " "
                + l.path("request").path("url").asText() + " " + l.path("response").path("status").asText()).toList();
    }

    /** A body as text: the text itself, or the base64 bytes read as ISO-8859-1 (a CMS blob's plist is inside). */
    static String bodyText(JsonNode body) {
        if (body.has("text")) {
            return body.path("text").asText();
        }
        if (body.has("base64")) {
            return new String(Base64.getDecoder().decode(body.path("base64").asText()), StandardCharsets.ISO_8859_1);
        }
        return "";
    }

    /** The device's cloud configuration as it arrived from the fake ABM (the plist text inside the answer). */
    String cloudConfiguration() {
        return bodyText(exchange("POST", "/cloudconfig").path("response").path("body"));
    }

    /** Whether a plist text has {@code <key>k</key><true/>} (or false) — whitespace allowed between. */
    static boolean plistBool(String plist, String key, boolean value) {
        return Pattern.compile("<key>" + Pattern.quote(key) + "</key>\\s*<" + value + "/>").matcher(plist).find();
    }

    static boolean plistString(String plist, String key, String value) {
        return Pattern.compile("<key>" + Pattern.quote(key) + "</key>\\s*<string>" + Pattern.quote(value)
                + "</string>").matcher(plist).find();
    }
}
