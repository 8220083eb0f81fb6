package io.mdmsim.scenarios;

import io.mdmsim.scenarios.cli.Main;
import picocli.CommandLine;

import io.mdmsim.core.testing.AdminTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** One in-process run of a picocli command line: its exit code and what it printed on out and err. */
public record CliRun(int exit, String out, String err) {

    /** Runs {@code mdmsim} ({@link Main#commandLine()}) with these arguments. */
    public static CliRun run(String... args) {
        return run(Main.commandLine(), args);
    }

    /**
     * Runs the given command line with these arguments, capturing out and err. A {@code --mdm URL} or
     * {@code --abm URL} of a server this test started (registered in {@link AdminTokens}) gets that server's
     * {@code --admin-token} unless the arguments name one, as a user passes the token the server printed.
     */
    public static CliRun run(CommandLine cl, String... args) {
        args = withAdminTokens(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    private static String[] withAdminTokens(String[] args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (all.contains("--admin-token")) {
            return args;
        }
        for (int i = 0; i < all.size() - 1; i++) {
            if (all.get(i).equals("--mdm") || all.get(i).equals("--abm")) {
                String token;
                try {
                    token = AdminTokens.of(URI.create(all.get(i + 1)));
                } catch (IllegalArgumentException notAUrl) {
                    token = null;
                }
                if (token != null) {
                    all.addAll(i + 2, List.of("--admin-token", token));
                    break;
                }
            }
        }
        return all.toArray(String[]::new);
    }

    /** Runs {@code mdmsim} with these arguments, puts out and err into {@code outErr[0]} and {@code [1]}, returns the exit code. */
    public static int runInto(String[] outErr, String... args) {
        CliRun r = run(args);
        outErr[0] = r.out();
        outErr[1] = r.err();
        return r.exit();
    }
}
