package io.mdmsim.scenarios.console;

/** Whether standard output is a terminal (progress is then redrawn in place). */
public final class Terminal {

    private Terminal() {
    }

    /** JDK 22+ returns a Console even when output is redirected; its isTerminal() tells. On 21, non-null means a TTY. */
    public static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
