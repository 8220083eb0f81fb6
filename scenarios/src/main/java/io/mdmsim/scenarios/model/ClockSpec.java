package io.mdmsim.scenarios.model;

/**
 * The scenario's clock: {@code wall} (real time), {@code xN} (N times faster than real time) or {@code manual}
 * (time moves only when the runner moves it: to the next thing anybody waits for, or by an advanceClock action).
 */
public sealed interface ClockSpec {

    /** The clock as written in a scenario. */
    String text();

    /** Real time. */
    record Wall() implements ClockSpec {
        @Override
        public String text() {
            return "wall";
        }
    }

    /** {@code factor} simulated seconds a real second. */
    record Scaled(int factor) implements ClockSpec {
        public Scaled {
            if (factor < 1) {
                throw new IllegalArgumentException("factor: " + factor + " (expected: >= 1)");
            }
        }

        @Override
        public String text() {
            return "x" + factor;
        }
    }

    /** Time moves only when the runner moves it. */
    record Manual() implements ClockSpec {
        @Override
        public String text() {
            return "manual";
        }
    }

    /** Parses wall, manual or xN. */
    public static ClockSpec parse(String text) {
        if (text.equals("wall")) {
            return new Wall();
        }
        if (text.equals("manual")) {
            return new Manual();
        }
        if (text.matches("x[1-9]\\d{0,5}")) {
            return new Scaled(Integer.parseInt(text.substring(1)));
        }
        throw new IllegalArgumentException("clock: '" + text + "' (expected: wall, manual or xN with N in 1..999999)");
    }

    /** True for a manual clock. */
    default boolean manual() {
        return this instanceof Manual;
    }
}
