package io.mdmsim.scenarios.cli;

import io.mdmsim.scenarios.file.Problem;
import io.mdmsim.scenarios.file.ScenarioException;
import io.mdmsim.scenarios.file.ScenarioFiles;
import io.mdmsim.scenarios.file.ScenarioSchema;
import io.mdmsim.scenarios.model.LoadPlan;
import io.mdmsim.scenarios.model.Scenario;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "validate",
        mixinStandardHelpOptions = true,
        description = {
                "Check scenario files (YAML, or JSON) against the scenario schema and the rules between their parts,"
                        + " and print each one's planned load: devices, populations, arrivals, actions, and how long it"
                        + " takes at least on the scenario's clock.",
                "Each problem is printed as FILE:LINE:COLUMN: what is wrong (expected: ...)."
        },
        footer = {"", "Exit codes: 0 every file is valid, 2 a file has problems (or bad usage).",
                "'mdmsim validate --schema' prints the JSON Schema (for your editor's YAML support)."})
final class ValidateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Scenario files.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--schema", description = "Print the scenario JSON Schema and exit.")
    boolean schema;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (schema) {
            out.print(ScenarioSchema.get().text());
            out.flush();
            return Main.EXIT_OK;
        }
        if (files.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing FILE (expected: one or more scenario files, e.g. scenarios/library/scep-wait-16-minutes.yaml)");
        }
        int bad = 0;
        for (Path f : files) {
            try {
                Scenario s = ScenarioFiles.read(f);
                out.println(f + ": valid, scenario " + s.name());
                for (String line : LoadPlan.of(s).describe(s)) {
                    out.println("  " + line);
                }
            } catch (ScenarioException e) {
                bad++;
                for (Problem p : e.problems()) {
                    err.println(p);
                }
            }
        }
        out.flush();
        err.flush();
        return bad == 0 ? Main.EXIT_OK : Main.EXIT_USAGE;
    }
}
