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
                "A simulator of Apple's device-management world, for testing:",
                "a fake Apple Business Manager (DEP API, cloud configuration), a reference MDM server,",
                "and virtual iPhones and iPads that enroll through them, all on the real wire protocols."
        },
        subcommands = {
                QuickstartCommand.class,
                AbmCommand.class,
                MdmCommand.class,
                DevicesCommand.class,
                VersionCommand.class,
                CommandLine.HelpCommand.class
        },
        footer = {"", "Exit codes: 0 pass, 1 an expectation failed, 2 bad usage, 70 runtime failure.",
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

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("mdmsim: " + describe(ex)));
            return EXIT_RUNTIME;
        });
        return cl;
    }

    static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null || msg.isBlank() ? ex.getClass().getSimpleName() : msg;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
