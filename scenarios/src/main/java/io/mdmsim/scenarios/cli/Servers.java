package io.mdmsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/** Keeps a standalone server running until Ctrl-C (or SIGTERM), then closes it. */
final class Servers {

    private Servers() {
    }

    static void runUntilStopped(AutoCloseable server, PrintWriter out) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("mdmsim: error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }, "mdmsim-shutdown"));
        out.println("Running; press Ctrl-C to stop.");
        out.flush();
        stopped.await();
    }
}
