package io.mdmsim.scenarios.model;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A k6-style threshold: an aggregate, a comparison and a value, e.g. {@code p(95) < 2s}, {@code rate >= 0.99},
 * {@code count == 5}. Time values are kept in milliseconds (a bare number on a time aggregate is milliseconds, as in
 * k6); {@code 99%} is kept as 0.99.
 *
 * @param aggregate  p, avg, min, med, max, count or rate
 * @param percentile the N of p(N), else 0
 * @param op         the comparison
 * @param value      the value compared with, normalised (ms, or a fraction for %)
 * @param unit       the unit the value was written in: "" (none), ms, s, m, h, d or %
 * @param text       the threshold as written
 */
public record Threshold(String aggregate, double percentile, Op op, double value, String unit, String text) {

    /** What a threshold looks like, for error messages. */
    public static final String EXPECTED = "AGGREGATE OP VALUE, e.g. 'p(95) < 2s', 'rate >= 0.99', 'count == 5'"
            + " (aggregates: p(N), avg, min, med, max, count, rate)";

    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*(p\\(\\s*(\\d+(?:\\.\\d+)?)\\s*\\)|avg|min|med|max|count|rate)\\s*(<=|>=|==|!=|<|>)\\s*"
                    + "(-?\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d|%)?\\s*");

    /** The comparisons of k6's thresholds. */
    public enum Op {
        LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        static Op of(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("comparison " + symbol + " (expected: <, <=, >, >=, == or !=)");
        }
    }

    public Threshold {
        requireNonNull(aggregate, "aggregate");
        requireNonNull(op, "op");
        requireNonNull(unit, "unit");
        requireNonNull(text, "text");
    }

    /** Parses a threshold; a bad one is an IllegalArgumentException saying what was expected. */
    public static Threshold parse(String text) {
        requireNonNull(text, "text");
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("threshold '" + text + "' (expected: " + EXPECTED + ")");
        }
        String agg = m.group(1).startsWith("p(") ? "p" : m.group(1);
        double percentile = m.group(2) == null ? 0 : Double.parseDouble(m.group(2));
        if (agg.equals("p") && !(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("threshold '" + text + "': p(" + m.group(2)
                    + ") (expected: a percentile above 0 and at most 100)");
        }
        String unit = m.group(5) == null ? "" : m.group(5);
        double value = Double.parseDouble(m.group(4));
        value = switch (unit) {
            case "s" -> value * 1_000;
            case "m" -> value * 60_000;
            case "h" -> value * 3_600_000;
            case "d" -> value * 86_400_000;
            case "%" -> value / 100;
            default -> value;
        };
        return new Threshold(agg, percentile, Op.of(m.group(3)), value, unit,
                text.strip().replaceAll("\\s+", " "));
    }

    /** True for p(N), avg, min, med and max: aggregates over measured values (times, or figures per minute). */
    public boolean overValues() {
        return !aggregate.equals("count") && !aggregate.equals("rate");
    }

    /** True if the value was written with a time unit (ms, s, m, h, d). */
    public boolean timed() {
        return unit.matches("ms|s|m|h|d");
    }

    /** The aggregate as written in k6: p(95), avg, count ... */
    public String aggregateLabel() {
        return aggregate.equals("p") ? "p(" + number(percentile) + ")" : aggregate;
    }

    /** Whether {@code observed} (in the threshold's normal unit) passes. */
    public boolean test(double observed) {
        double eps = 1e-9 * Math.max(1, Math.abs(value));
        return switch (op) {
            case LT -> observed < value - eps;
            case LE -> observed <= value + eps;
            case GT -> observed > value + eps;
            case GE -> observed >= value - eps;
            case EQ -> Math.abs(observed - value) <= eps;
            case NE -> Math.abs(observed - value) > eps;
        };
    }

    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String toString() {
        return text;
    }
}
