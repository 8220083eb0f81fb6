package io.mdmsim.scenarios;

import io.mdmsim.scenarios.cli.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of a picocli command line: its exit code and what it printed on out and err. */
public record CliRun(int exit, String out, String err) {

    /** Runs {@code mdmsim} ({@link Main#commandLine()}) with these arguments. */
    public static CliRun run(String... args) {
        return run(Main.commandLine(), args);
    }

    /** Runs the given command line with these arguments, capturing out and err. */
    public static CliRun run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Runs {@code mdmsim} with these arguments, puts out and err into {@code outErr[0]} and {@code [1]}, returns the exit code. */
    public static int runInto(String[] outErr, String... args) {
        CliRun r = run(args);
        outErr[0] = r.out();
        outErr[1] = r.err();
        return r.exit();
    }
}
