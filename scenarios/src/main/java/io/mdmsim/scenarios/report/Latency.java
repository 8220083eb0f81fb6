package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.HdrHistogram.Histogram;

/**
 * The simulated durations of one stage (over the whole run, or within one interval): summary figures in milliseconds
 * and the HdrHistogram they come from, stored whole so that reports merge exactly.
 *
 * <p>Durations are recorded in microseconds with three significant digits: a percentile is within 0.1% of the true
 * value (HdrHistogram reports the highest value equivalent to the sample at that rank).
 *
 * @param count     samples: completions of the stage
 * @param meanMs    mean
 * @param minMs     shortest
 * @param p50Ms     median
 * @param p90Ms     90th percentile
 * @param p95Ms     95th percentile
 * @param p99Ms     99th percentile
 * @param maxMs     longest
 * @param histogram the HdrHistogram of the durations in microseconds, compressed V2 encoding, base64
 */
@JsonPropertyOrder({"count", "meanMs", "minMs", "p50Ms", "p90Ms", "p95Ms", "p99Ms", "maxMs", "histogram"})
public record Latency(long count, double meanMs, double minMs, double p50Ms, double p90Ms, double p95Ms, double p99Ms,
                      double maxMs, String histogram) {

    /** Three significant digits: 0.1% resolution. */
    static final int SIGNIFICANT_DIGITS = 3;
    /** A stored histogram may claim at most this many bytes when inflated (bounds the work of a hostile report). */
    private static final int MAX_DECODED_BYTES = 4 * 1024 * 1024;
    /** About 35 years in microseconds: more than any simulated duration a report holds. */
    private static final long MAX_TRACKABLE_MICROS = 1L << 50;

    public Latency {
        requireNonNull(histogram, "histogram");
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
        }
    }

    /** A new, empty histogram of the kind every latency uses. */
    static Histogram newHistogram() {
        Histogram h = new Histogram(SIGNIFICANT_DIGITS);
        h.setAutoResize(true);
        return h;
    }

    /** Records one duration into {@code h} (negative durations count as zero). */
    static void record(Histogram h, Duration took) {
        long micros;
        try {
            micros = Math.min(MAX_TRACKABLE_MICROS, Math.max(0, took.toNanos() / 1000));
        } catch (ArithmeticException e) {
            micros = MAX_TRACKABLE_MICROS;
        }
        h.recordValue(micros);
    }

    /** The figures of a histogram of microseconds. */
    public static Latency of(Histogram h) {
        requireNonNull(h, "h");
        if (h.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0, 0, 0, encode(h));
        }
        return new Latency(h.getTotalCount(), ms(h.getMean()), ms(h.getMinValue()),
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(95)),
                ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), encode(h));
    }

    /** The figures of the given durations (for tests and callers that hold durations). */
    public static Latency of(Collection<Duration> durations) {
        Histogram h = newHistogram();
        durations.forEach(d -> record(h, d));
        return of(h);
    }

    /** The exact merge of several latencies: their histograms added, the figures computed again. */
    public static Latency merge(Collection<Latency> parts) {
        Histogram sum = newHistogram();
        for (Latency l : parts) {
            sum.add(l.toHistogram());
        }
        return of(sum);
    }

    /** The value at a percentile (0..100) in milliseconds; 0 when there are no samples. */
    public double percentileMs(double percentile) {
        if (percentile < 0 || percentile > 100 || Double.isNaN(percentile)) {
            throw new IllegalArgumentException("percentile: " + percentile + " (expected: 0..100)");
        }
        Histogram h = toHistogram();
        return h.getTotalCount() == 0 ? 0 : ms(h.getValueAtPercentile(percentile));
    }

    /** The value at a percentile as a duration (microsecond resolution). */
    public Duration percentile(double percentile) {
        return Duration.ofNanos(Math.round(percentileMs(percentile) * 1_000_000));
    }

    /** The share of samples at or below {@code limit} (0..1); 1 when there are no samples. */
    public double shareAtOrBelow(Duration limit) {
        Histogram h = toHistogram();
        if (h.getTotalCount() == 0) {
            return 1;
        }
        long micros = Math.max(0, limit.toNanos() / 1000);
        return (double) h.getCountBetweenValues(0, micros) / h.getTotalCount();
    }

    /** The histogram decoded; an IllegalArgumentException says what is wrong with a bad one. */
    @JsonIgnore
    public Histogram toHistogram() {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(histogram);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("histogram: not base64 (expected: an HdrHistogram, compressed, base64)");
        }
        if (bytes.length < 8) {
            throw new IllegalArgumentException("histogram: " + bytes.length
                    + " bytes (expected: an HdrHistogram, compressed, base64)");
        }
        ByteBuffer inflated = inflate(bytes);
        if (inflated.remaining() < 40) {
            throw new IllegalArgumentException("histogram: " + inflated.remaining()
                    + " bytes inflated (expected: an HdrHistogram header of 40 bytes and its counts)");
        }
        int digits = inflated.getInt(12);
        long highest = inflated.getLong(24);
        if (digits < 0 || digits > 5 || highest < 2 || highest > MAX_TRACKABLE_MICROS) {
            throw new IllegalArgumentException("histogram: " + digits + " significant digits, highest trackable "
                    + highest + " (expected: 0..5 digits, at most " + MAX_TRACKABLE_MICROS + " microseconds)");
        }
        try {
            Histogram h = Histogram.decodeFromByteBuffer(inflated, 0);
            h.setAutoResize(true);
            return h;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("histogram: cannot be decoded (" + e.getClass().getSimpleName()
                    + "; expected: an HdrHistogram, compressed, base64)");
        }
    }

    /** The compressed encoding's payload inflated, at most {@link #MAX_DECODED_BYTES}. */
    private static ByteBuffer inflate(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int compressed = in.getInt(4);
        if (compressed < 0 || compressed > bytes.length - 8) {
            throw new IllegalArgumentException("histogram: claims " + compressed + " compressed bytes, has "
                    + (bytes.length - 8) + " (expected: an HdrHistogram, compressed, base64)");
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes, 8, compressed);
            byte[] out = new byte[4096];
            int n = 0;
            while (!inflater.finished()) {
                if (n == out.length) {
                    if (out.length >= MAX_DECODED_BYTES) {
                        throw new IllegalArgumentException("histogram: inflates past " + MAX_DECODED_BYTES
                                + " bytes (expected: at most that)");
                    }
                    out = Arrays.copyOf(out, Math.min(MAX_DECODED_BYTES, out.length * 2));
                }
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("histogram: truncated (expected: an HdrHistogram, compressed)");
                }
                n += got;
            }
            return ByteBuffer.wrap(out, 0, n).slice();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("histogram: not deflate data (expected: an HdrHistogram, compressed)");
        } finally {
            inflater.end();
        }
    }

    /** The canonical encoding: a function of the recorded values only, however the histogram grew. */
    static String encode(Histogram recorded) {
        Histogram h = new Histogram(1, Math.max(2, recorded.highestEquivalentValue(recorded.getMaxValue())),
                SIGNIFICANT_DIGITS);
        h.add(recorded);
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity() + 64);
        int n = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] out = new byte[n];
        buffer.flip();
        buffer.get(out);
        return Base64.getEncoder().encodeToString(out);
    }

    private static double ms(double micros) {
        return Math.round(micros) / 1000.0;
    }
}
