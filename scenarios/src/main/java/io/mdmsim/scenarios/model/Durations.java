package io.mdmsim.scenarios.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in scenarios and on the command line: 250ms, 30s, 16m, 1h30m, 7d (or PT16M). */
public final class Durations {

    /** What a duration looks like, for error messages. */
    public static final String EXPECTED = "a duration such as 250ms, 30s, 16m, 1h30m or 7d";

    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {
    }

    /** Parses {@code text}; an ISO-8601 duration (PT16M) is accepted too. */
    public static Duration parse(String text) {
        String v = text.strip().toLowerCase(Locale.ROOT);
        if (v.startsWith("p")) {
            try {
                return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (expected: " + EXPECTED + ")");
            }
        }
        Matcher m = PART.matcher(v);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < v.length() && m.find(at) && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            at = m.end();
        }
        if (v.isEmpty() || at != v.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (expected: " + EXPECTED + ")");
        }
        return total;
    }

    /** {@code d} as it would be written: 1h30m, 16m, 2.5s, 250ms, 0s. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillis() < 1_000) {
            return d.toMillis() + "ms";
        }
        StringBuilder sb = new StringBuilder();
        long days = d.toDays();
        long h = d.toHoursPart();
        long m = d.toMinutesPart();
        long s = d.toSecondsPart();
        int ms = d.toMillisPart();
        if (days > 0) {
            sb.append(days).append('d');
        }
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (s > 0 || ms > 0) {
            sb.append(ms == 0 ? Long.toString(s) : String.format(Locale.ROOT, "%.1f", s + ms / 1000.0).replace(".0", ""));
            sb.append('s');
        }
        return sb.toString();
    }
}
