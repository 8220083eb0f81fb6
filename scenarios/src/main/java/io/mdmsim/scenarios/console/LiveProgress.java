package io.mdmsim.scenarios.console;

import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Live progress of a scenario run: the stage funnel (devices that reached each stage), enrollments per minute of
 * simulated time, errors by kind, and the time elapsed on both clocks. On a terminal the block is redrawn in place
 * about once a second; without one (CI) a short block is appended every 10 seconds. A listener of the fleet: every
 * method is quick and thread-safe; printing happens on its own thread.
 */
public final class LiveProgress implements FleetListener, AutoCloseable {

    private static final long TERMINAL_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long PLAIN_NANOS = Duration.ofSeconds(10).toNanos();
    /** The stages shown in the funnel, in order; the others are folded into these. */
    private static final List<Stage> FUNNEL = List.of(Stage.POWER_ON, Stage.CLOUD_CONFIG, Stage.MACHINE_INFO,
            Stage.SCEP, Stage.TOKEN_UPDATE, Stage.AWAITING_CONFIGURATION, Stage.HOME_SCREEN);

    private final PrintWriter out;
    private final boolean terminal;
    private final SimClock clock;
    private final Instant simStart;
    private final long realStart = System.nanoTime();
    private final long planned;
    private final AtomicIntegerArray reached = new AtomicIntegerArray(Stage.values().length);
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong enrolled = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final Thread printer;
    private volatile boolean done;
    private int linesOnScreen;

    /** Starts printing to {@code out}; {@code terminal} redraws in place, otherwise blocks are appended. */
    public LiveProgress(PrintWriter out, boolean terminal, SimClock clock, long planned) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.simStart = clock.now();
        this.planned = planned;
        this.printer = Thread.ofVirtual().name("live-progress").start(this::loop);
    }

    @Override
    public void stageEntered(DeviceRef device, Stage stage) {
        reached.incrementAndGet(stage.ordinal());
    }

    @Override
    public void stageFailed(DeviceRef device, Stage stage, Outcome outcome, String reason) {
        if (errors.size() < 1000 || errors.containsKey(kind(reason))) {
            errors.computeIfAbsent(kind(reason), k -> new AtomicLong()).incrementAndGet();
        }
    }

    @Override
    public void errorShown(DeviceRef device, Stage stage, String error) {
        stageFailed(device, stage, Outcome.FAILED, error);
    }

    @Override
    public void deviceFinished(DeviceResult result) {
        finished.incrementAndGet();
        if (result.enrolled()) {
            enrolled.incrementAndGet();
        }
    }

    /** The kind of an error: its text up to the first detail (a colon after 20 characters, or 80 characters). */
    static String kind(String reason) {
        if (reason == null) {
            return "(no reason)";
        }
        int colon = reason.indexOf(": ", 20);
        String k = colon > 0 ? reason.substring(0, colon) : reason;
        return k.length() > 80 ? k.substring(0, 77) + "..." : k;
    }

    private void loop() {
        long every = terminal ? TERMINAL_NANOS : PLAIN_NANOS;
        long next = System.nanoTime() + every;
        while (!done) {
            LockSupport.parkNanos(Math.max(1, next - System.nanoTime())); // display cadence, not protocol time
            if (!done && System.nanoTime() >= next) {
                draw(false);
                next += every;
            }
        }
    }

    /** Stops printing and draws the last state once (in place on a terminal). */
    @Override
    public void close() {
        done = true;
        LockSupport.unpark(printer);
        try {
            printer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) {
            draw(true);
        }
    }

    private synchronized void draw(boolean last) {
        List<String> lines = block();
        if (terminal) {
            StringBuilder sb = new StringBuilder();
            if (linesOnScreen > 0) {
                sb.append("\033[").append(linesOnScreen).append("A");
            }
            for (String l : lines) {
                sb.append("\r\033[2K").append(l).append('\n');
            }
            out.print(sb);
            linesOnScreen = last ? 0 : lines.size();
        } else {
            lines.forEach(out::println);
        }
        out.flush();
    }

    /** The progress block: time, devices, funnel, rate, errors. */
    List<String> block() {
        Duration sim = Duration.between(simStart, clock.now());
        Duration real = Duration.ofNanos(System.nanoTime() - realStart);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "  running   %s simulated, %s real   devices %d/%d started, %d finished"
                        + " (%d enrolled)", EndSummary.duration(sim), EndSummary.duration(real),
                reached.get(Stage.POWER_ON.ordinal()), planned, finished.get(), enrolled.get()));
        StringBuilder funnel = new StringBuilder("  funnel   ");
        for (Stage s : FUNNEL) {
            funnel.append(' ').append(EndSummary.label(s)).append(' ').append(reached.get(s.ordinal()));
            if (s != FUNNEL.getLast()) {
                funnel.append(" ›");
            }
        }
        funnel.append(" › enrolled ").append(enrolled.get());
        lines.add(funnel.toString());
        double minutes = sim.toMillis() / 60_000.0;
        lines.add(String.format(Locale.ROOT, "  rate      %s enrollments a minute (simulated)",
                minutes <= 0 ? "-" : String.format(Locale.ROOT, "%,.0f", enrolled.get() / minutes)));
        List<Map.Entry<String, AtomicLong>> top = errors.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, AtomicLong> e) -> -e.getValue().get())
                        .thenComparing(Map.Entry::getKey)).limit(3).toList();
        lines.add("  errors    " + (top.isEmpty() ? "none" : String.join(" · ", top.stream()
                .map(e -> e.getValue().get() + "× " + e.getKey()).toList())));
        return lines;
    }
}
