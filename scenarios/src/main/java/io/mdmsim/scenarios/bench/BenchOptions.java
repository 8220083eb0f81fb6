package io.mdmsim.scenarios.bench;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every benchmark has: where the JSON goes and the seed. A picocli mixin. */
final class BenchOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Write the result as JSON to FILE (default: bench-NAME.json in the current directory).")
    Path json;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the devices and every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    Path jsonFile() {
        return json != null ? json : Path.of("bench-" + spec.name() + ".json");
    }

    /** The arguments as given, for the report's command line. */
    java.util.List<String> args() {
        return spec.commandLine().getParseResult() == null ? java.util.List.of()
                : spec.commandLine().getParseResult().originalArgs();
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Fails with a usage error unless {@code value} is within {@code min..max}. */
    int range(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw usage(option + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return value;
    }

    /** Prints the table, writes the JSON and says where. */
    void finish(Report report, java.io.PrintWriter out) {
        report.finish();
        report.print(out);
        Path file = jsonFile();
        report.write(file);
        out.println("JSON: " + file.toAbsolutePath());
        out.flush();
    }
}
