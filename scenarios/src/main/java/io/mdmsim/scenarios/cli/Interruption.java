package io.mdmsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) or SIGTERM during a run: the running command is interrupted so that it stops its devices, prints
 * its summary and writes the traces of the devices that had not finished; then the process exits with
 * {@value #EXIT_INTERRUPTED} (128 + SIGINT, as shells report an interrupted program). The JVM's shutdown hook waits
 * for that, at most {@link #GRACE} seconds.
 */
final class Interruption implements AutoCloseable {

    /** The exit code of a run stopped by Ctrl-C or SIGTERM (README "Exit codes"). */
    static final int EXIT_INTERRUPTED = 130;

    /** Real seconds the shutdown waits for the summary and the traces. */
    static final int GRACE = 60;

    private final Thread worker;
    private final Thread hook;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean signalled;

    private Interruption(Thread worker, PrintWriter err) {
        this.worker = worker;
        this.hook = new Thread(() -> {
            signalled = true;
            err.println("mdmsim: stopping (Ctrl-C or SIGTERM): the devices stop, then the summary and the traces of"
                    + " the unfinished devices");
            err.flush();
            worker.interrupt();
            try {
                finished.await(GRACE, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(EXIT_INTERRUPTED);
        }, "mdmsim-interruption");
    }

    /** From now until {@link #close()}, Ctrl-C and SIGTERM interrupt {@code worker} (the calling thread). */
    static Interruption install(PrintWriter err) {
        Interruption i = new Interruption(Thread.currentThread(), err);
        Runtime.getRuntime().addShutdownHook(i.hook);
        return i;
    }

    /** Whether a signal arrived: the run was cut short. */
    boolean signalled() {
        return signalled;
    }

    /** The summary and the traces are out: the process may exit now. */
    void finished() {
        finished.countDown();
    }

    @Override
    public void close() {
        finished();
        if (!signalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // a signal arrived just now; the hook exits the process
            }
        }
    }
}
