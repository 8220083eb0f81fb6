package io.mdmsim.scenarios.file;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.scenarios.model.ActionSpec;
import io.mdmsim.scenarios.model.ClockSpec;
import io.mdmsim.scenarios.model.Durations;
import io.mdmsim.scenarios.model.ExpectationSpec;
import io.mdmsim.scenarios.model.Threshold;
import io.mdmsim.scenarios.model.World;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** What happens and what must be true: a scenario tree's timed actions and its expectations with their thresholds. */
final class TimelineReader {

    private final MappingContext c;
    private final LocatedTree t;

    TimelineReader(MappingContext c) {
        this.c = c;
        this.t = c.t;
    }

    List<ActionSpec> actions(JsonNode list, World world, Set<String> populationNames, ClockSpec clock) {
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
            Duration when = c.duration(at + "/at");
            String name = a.path("name").asText(kind.words() + " at " + Durations.format(when));
            c.once(names, name, at + (a.has("name") ? "/name" : ""));
            JsonNode args = a.get(kind.key());
            String argsAt = at + "/" + kind.key();
            switch (kind) {
                case ADVANCE_CLOCK -> {
                    c.duration(argsAt);
                    if (!clock.manual()) {
                        c.problem(argsAt, "actions[" + i + "].advanceClock: the clock is " + clock.text()
                                + " (expected: clock: manual to move it by hand)");
                    }
                }
                case RENEW_TOKEN, SYNC, ASSIGN, EDIT_PROFILE -> {
                    if (args.has("mdmServer")) {
                        c.checkServerRef(serverNames, argsAt + "/mdmServer", args.get("mdmServer").asText());
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
                        c.checkPopulationRef(populationNames, argsAt + "/population", args.get("population").asText());
                    }
                    if (!args.has("population") && !args.has("serials")) {
                        c.problem(argsAt, ScenarioSchema.dotted(argsAt) + ": which devices? (expected: population,"
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
            c.problem(at, ScenarioSchema.dotted(at) + ": " + kind.words() + " drives the reference MDM's admin API"
                    + " (expected: no world.mdm.url, or do it in your MDM yourself)");
        }
    }

    private void checkProfileRef(World world, String at, JsonNode args) {
        String profile = args.get("profile").asText();
        boolean known = world.mdm().tokens().stream().anyMatch(tk -> (!args.has("mdmServer")
                || tk.mdmServer().equals(args.get("mdmServer").asText()))
                && tk.profiles().stream().anyMatch(p -> p.name().equals(profile)));
        if (!known) {
            c.problem(at + "/profile", ScenarioSchema.dotted(at) + ".profile: '" + profile
                    + "' is not a profile of world.mdm.tokens (expected: the name of one)");
        }
    }

    // ---- expectations ---------------------------------------------------------------------------------------------

    List<ExpectationSpec> expectations(JsonNode list, World world, Set<String> populationNames,
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
                c.problem(at + "/threshold", "expect[" + i + "].threshold: " + ex.getMessage());
                continue;
            }
            String population = e.has("population") ? e.get("population").asText() : null;
            if (population != null) {
                c.checkPopulationRef(populationNames, at + "/population", population);
                if (!List.of(ExpectationSpec.Subject.OUTCOME, ExpectationSpec.Subject.STAGE,
                        ExpectationSpec.Subject.ERROR, ExpectationSpec.Subject.MANAGEMENT,
                        ExpectationSpec.Subject.DEVICES, ExpectationSpec.Subject.MDM_DEVICE).contains(subject)) {
                    c.problem(at + "/population", "expect[" + i + "].population: not for " + key(subject)
                            + " (expected: only with outcome, stage, error, management, devices or mdmDevice)");
                }
            }
            String server = e.has("mdmServer") ? e.get("mdmServer").asText() : null;
            if (server != null) {
                c.checkServerRef(serverNames, at + "/mdmServer", server);
                if (subject != ExpectationSpec.Subject.DEP) {
                    c.problem(at + "/mdmServer", "expect[" + i + "].mdmServer: only for dep (expected: no mdmServer"
                            + " here)");
                }
            }
            String result = e.has("result") ? e.get("result").asText() : null;
            if (e.has("matches")) {
                if (subject != ExpectationSpec.Subject.MDM_DEVICE) {
                    c.problem(at + "/matches", "expect[" + i + "].matches: only for mdmDevice (expected: no matches"
                            + " here)");
                }
                try {
                    java.util.regex.Pattern.compile(e.get("matches").asText());
                } catch (java.util.regex.PatternSyntaxException bad) {
                    c.problem(at + "/matches", "expect[" + i + "].matches: '" + e.get("matches").asText() + "' ("
                            + bad.getDescription() + "; expected: a regular expression)");
                }
                result = e.get("matches").asText();
            }
            if (e.has("result") && subject != ExpectationSpec.Subject.ACTION) {
                c.problem(at + "/result", "expect[" + i + "].result: only for action (expected: no result here)");
            }
            if (subject == ExpectationSpec.Subject.ACTION && !actionNames.contains(value)) {
                c.problem(at + "/action", "expect[" + i + "].action: '" + value + "' is not an action's name"
                        + " (expected: one of " + String.join(", ", actions.stream().map(ActionSpec::name).toList())
                        + ")");
            }
            if ((subject == ExpectationSpec.Subject.COMMANDS || subject == ExpectationSpec.Subject.MDM_DEVICE)
                    && !world.mdm().ours()) {
                c.problem(at, "expect[" + i + "]: " + key(subject) + " is read from the reference MDM's admin API"
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
            c.problem(at + "/threshold", "expect[" + i + "].threshold: " + th.aggregateLabel() + " on " + key(subject)
                    + " (expected: count or rate)");
        } else if (th.aggregate().equals("rate") && valuesOk) {
            c.problem(at + "/threshold", "expect[" + i + "].threshold: rate on " + key(subject)
                    + " (expected: p(N), avg, min, med, max or count)");
        } else if (th.timed() && subject != ExpectationSpec.Subject.STAGE) {
            c.problem(at + "/threshold", "expect[" + i + "].threshold: a time (" + th.text() + ") on " + key(subject)
                    + " (expected: a number)");
        } else if (th.aggregate().equals("rate") && th.unit().isEmpty() && (th.value() < 0 || th.value() > 1)) {
            c.problem(at + "/threshold", "expect[" + i + "].threshold: rate " + th.op().symbol() + " "
                    + th.value() + " (expected: a rate 0..1 or a percentage such as 99%)");
        }
    }

    private static String key(ExpectationSpec.Subject s) {
        return s.key();
    }
}
