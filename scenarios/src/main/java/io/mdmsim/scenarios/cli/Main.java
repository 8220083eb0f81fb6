package io.mdmsim.scenarios.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mdmsim} command line. Exit codes (README, "Exit codes"): 0 pass, 1 an expectation failed
 * (e.g. not every device enrolled), 2 bad usage, 70 a runtime failure.
 */
@Command(name = "mdmsim",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = {
                "A simulator of Apple's device-management world, for testing: a fake Apple Business Manager (DEP API,"
                        + " cloud configuration), a reference MDM server, and virtual iPhones and iPads that enroll"
                        + " through them, all on the real wire protocols."
        },
        subcommands = {
                QuickstartCommand.class,
                RunCommand.class,
                ValidateCommand.class,
                AbmCommand.class,
                MdmCommand.class,
                DevicesCommand.class,
                io.mdmsim.scenarios.bench.BenchCommand.class,
                ReportCommand.class,
                VersionCommand.class,
                CommandLine.HelpCommand.class
        },
        footer = {"", "Exit codes: 0 pass; 1 an expectation was not met (e.g. a device did not enroll, the server refused);"
                + " 2 bad usage or an input file that cannot be read; 70 a server that cannot be reached or started;"
                + " 130 stopped by Ctrl-C or SIGTERM (after the summary and the traces).",
                "Run 'mdmsim COMMAND --help' for a command's options."})
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_EXPECTATION_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_RUNTIME = 70;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command, e.g. 'mdmsim quickstart'.");
    }

    /**
     * The {@code mdmsim} command line with the one error rule ({@link CliFailure}) for every command and subcommand:
     * bad usage is one line naming the option and exits 2; what a command throws is classified into 2, 1 or 70 and
     * printed as one line; every {@code URI} option must be an http(s) URL.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setUsageHelpWidth(120); // our description lines are written for 120 columns
        cl.registerConverter(java.net.URI.class, new Cli.HttpUrlConverter());
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            CliFailure.Outcome o = CliFailure.classify(ex);
            String message = o.exitCode() == EXIT_USAGE ? Cli.optionNames(cmd.getCommandSpec(), o.message())
                    : o.message();
            cmd.getErr().println(cmd.getColorScheme().errorText(prefix(cmd) + oneLine(message)));
            return o.exitCode();
        });
        return cl;
    }

    /** Bad usage: one line with the option and what was expected, and where to read more; exit 2. */
    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String message = Cli.optionNames(cmd.getCommandSpec(), ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (possible solutions: " + String.join(", ", u.getSuggestions()) + ")";
        }
        cmd.getErr().println(cmd.getColorScheme().errorText(prefix(cmd) + oneLine(message) + "; see '"
                + cmd.getCommandSpec().qualifiedName() + " --help'"));
        return EXIT_USAGE;
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }

    private static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    }

    public static void main(String[] args) {
        configureLogging();
        System.exit(commandLine().execute(args));
    }

    /**
     * Servers log through System.Logger (java.util.logging underneath). On the console only warnings and errors show,
     * one line each, unless MDMSIM_LOG_LEVEL says otherwise (e.g. INFO, FINE); a logging config file wins.
     */
    static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        String wanted = System.getenv().getOrDefault("MDMSIM_LOG_LEVEL", "WARNING");
        java.util.logging.Level level;
        try {
            level = java.util.logging.Level.parse(wanted.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("mdmsim: MDMSIM_LOG_LEVEL=" + wanted
                    + " (expected: SEVERE, WARNING, INFO, FINE, FINER, FINEST or ALL); using WARNING");
            level = java.util.logging.Level.WARNING;
        }
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(level);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(level);
        }
    }
}
