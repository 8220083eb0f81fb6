package io.mdmsim.scenarios.quickstart;

import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Live progress by stage: how many devices have completed each stage. On a terminal the line redraws in place;
 * otherwise a line is appended whenever the counts change, at most once a second (k6's habit).
 */
public final class Progress implements FleetListener {

    private static final long INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    private final PrintWriter out;
    private final int total;
    private final boolean terminal;
    private final AtomicIntegerArray entered = new AtomicIntegerArray(Stage.values().length);
    private final AtomicIntegerArray completed = new AtomicIntegerArray(Stage.values().length);
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Thread printer;
    private volatile boolean done;
    private String last = "";

    public Progress(PrintWriter out, int total) {
        this.out = out;
        this.total = total;
        this.terminal = io.mdmsim.scenarios.console.Terminal.isTerminal();
        this.printer = Thread.ofVirtual().name("progress").start(this::loop);
    }

    @Override
    public void stageEntered(DeviceRef device, Stage stage) {
        entered.incrementAndGet(stage.ordinal());
    }

    @Override
    public void stageCompleted(DeviceRef device, Stage stage, Duration took) {
        completed.incrementAndGet(stage.ordinal());
    }

    @Override
    public void deviceFinished(DeviceResult result) {
        finished.incrementAndGet();
        if (result.outcome() != Outcome.ENROLLED) {
            failed.incrementAndGet();
        }
    }

    private void loop() {
        while (!done) {
            LockSupport.parkNanos(INTERVAL_NANOS / 4); // display cadence, not protocol time
            print(false);
        }
    }

    /** Stops the printer and prints the final counts. */
    public void finish() {
        done = true;
        printer.interrupt();
        try {
            printer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        print(true);
        if (terminal) {
            out.println();
        }
        out.flush();
    }

    private long lastPrinted;

    private synchronized void print(boolean force) {
        String line = line();
        long now = System.nanoTime();
        if (line.equals(last) || (!force && now - lastPrinted < (terminal ? INTERVAL_NANOS / 4 : INTERVAL_NANOS))) {
            return;
        }
        last = line;
        lastPrinted = now;
        if (terminal) {
            out.print("\r\033[2K" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    private String line() {
        Map<Stage, Integer> counts = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) {
            counts.put(s, completed.get(s.ordinal()));
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-14s", "enrolling"));
        for (Stage s : Stage.values()) {
            if (s == Stage.DONE || entered.get(s.ordinal()) == 0) {
                continue; // only the stages some device has reached
            }
            sb.append(' ').append(label(s)).append(' ').append(counts.get(s)).append('/').append(total);
        }
        sb.append("  finished ").append(finished.get()).append('/').append(total);
        if (failed.get() > 0) {
            sb.append("  not enrolled ").append(failed.get());
        }
        return sb.toString();
    }

    static String label(Stage s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
