package io.mdmsim.scenarios.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When devices power on, with the names k6 users know. The open models ({@link ConstantArrivalRate},
 * {@link RampingArrivalRate}) start devices at a rate whatever the others do; the closed one
 * ({@link ConstantDevices}) keeps a number of devices running; {@link AllAtOnce} starts every device at once.
 */
public sealed interface LoadSpec {

    /** The model's name as written in a scenario. */
    String model();

    /**
     * When each of {@code devices} devices powers on, counted from the start of the load; fewer entries than devices
     * when the load ends before every device arrived (those devices do not run).
     */
    List<Duration> arrivals(int devices);

    /** Every device at once. */
    record AllAtOnce() implements LoadSpec {
        @Override
        public String model() {
            return "all-at-once";
        }

        @Override
        public List<Duration> arrivals(int devices) {
            return java.util.Collections.nCopies(devices, Duration.ZERO);
        }
    }

    /** {@code rate} devices per {@code timeUnit}, for {@code duration} (null: until every device arrived). */
    record ConstantArrivalRate(double rate, Duration timeUnit, Duration duration) implements LoadSpec {
        public ConstantArrivalRate {
            requireNonNull(timeUnit, "timeUnit");
            if (!(rate > 0)) {
                throw new IllegalArgumentException("rate: " + rate + " (expected: > 0)");
            }
        }

        @Override
        public String model() {
            return "constant-arrival-rate";
        }

        @Override
        public List<Duration> arrivals(int devices) {
            double gapNanos = timeUnit.toNanos() / rate;
            List<Duration> out = new ArrayList<>(devices);
            for (int i = 0; i < devices; i++) {
                Duration at = Duration.ofNanos(Math.round(i * gapNanos));
                if (duration != null && at.compareTo(duration) >= 0) {
                    break;
                }
                out.add(at);
            }
            return out;
        }
    }

    /** One stage of a ramp: the rate moves linearly to {@code target} (per time unit) over {@code duration}. */
    record Stage(double target, Duration duration) {
        public Stage {
            requireNonNull(duration, "duration");
        }
    }

    /** A rate that starts at {@code startRate} and follows the stages, linearly within each (k6's ramp). */
    record RampingArrivalRate(double startRate, Duration timeUnit, List<Stage> stages) implements LoadSpec {
        public RampingArrivalRate {
            requireNonNull(timeUnit, "timeUnit");
            stages = List.copyOf(stages);
            if (stages.isEmpty()) {
                throw new IllegalArgumentException("stages: empty (expected: at least one stage)");
            }
        }

        @Override
        public String model() {
            return "ramping-arrival-rate";
        }

        @Override
        public List<Duration> arrivals(int devices) {
            List<Duration> out = new ArrayList<>(devices);
            double unit = timeUnit.toNanos();
            double from = startRate;
            double stageStart = 0; // nanos
            double arrived = 0; // arrivals before this stage (fractional)
            for (Stage s : stages) {
                double len = s.duration().toNanos();
                double a = from / unit;                              // arrivals per nano at the stage start
                double b = len == 0 ? 0 : (s.target() - from) / unit / len; // its change per nano
                double inStage = a * len + b * len * len / 2;
                while (out.size() < devices && out.size() < arrived + inStage - 1e-9) {
                    double k = out.size() - arrived; // arrivals needed within this stage
                    double t = solve(a, b, k, len);
                    out.add(Duration.ofNanos(Math.round(stageStart + t)));
                }
                arrived += inStage;
                stageStart += len;
                from = s.target();
            }
            return out;
        }

        /** The t in [0, len] where a*t + b*t^2/2 = k. */
        private static double solve(double a, double b, double k, double len) {
            if (k <= 0) {
                return 0;
            }
            if (Math.abs(b) < 1e-30) {
                return a <= 0 ? len : Math.min(len, k / a);
            }
            double disc = a * a + 2 * b * k;
            double t = (-a + Math.sqrt(Math.max(0, disc))) / b;
            return Math.max(0, Math.min(len, t));
        }
    }

    /** {@code devices} devices at a time (a device that ends makes room for the next) until every device ran. */
    record ConstantDevices(int devices) implements LoadSpec {
        public ConstantDevices {
            if (devices < 1) {
                throw new IllegalArgumentException("devices: " + devices + " (expected: >= 1)");
            }
        }

        @Override
        public String model() {
            return "constant-devices";
        }

        @Override
        public List<Duration> arrivals(int count) {
            return java.util.Collections.nCopies(count, Duration.ZERO);
        }
    }
}
