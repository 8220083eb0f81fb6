package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of {@code count} processes driving one population ({@code --shard i/n}, docs/reports.md "Beyond one machine"):
 * the population's serials are sorted and cut into {@code count} contiguous ranges whose sizes differ by at most one;
 * shard {@code index} (1-based, as in {@code --shard 1/4}) takes the {@code index}-th range. Every process that sees
 * the same population picks a disjoint part, and together they cover it, whatever order each got it in. (A Kubernetes
 * Indexed Job passes {@code $((JOB_COMPLETION_INDEX + 1))/n}.)
 *
 * @param index 1..count
 * @param count 1..100000
 */
public record Shard(int index, int count) {

    /** The whole population. */
    public static final Shard ALL = new Shard(1, 1);

    private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d+)\\s*");

    public Shard {
        if (count < 1 || count > 100_000) {
            throw new IllegalArgumentException("shard count: " + count + " (expected: 1..100000)");
        }
        if (index < 1 || index > count) {
            throw new IllegalArgumentException("shard index: " + index + " (expected: 1.." + count
                    + ", e.g. --shard 1/" + count + ")");
        }
    }

    /** Parses "i/n", e.g. "2/4". */
    public static Shard parse(String text) {
        requireNonNull(text, "text");
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("shard: " + text + " (expected: i/n with 1 <= i <= n, e.g. 2/4)");
        }
        try {
            return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shard: " + text + " (expected: i/n with 1 <= i <= n, e.g. 2/4)");
        }
    }

    /** This shard's devices, in the order of {@code population}. */
    public List<DeviceSpec> select(List<DeviceSpec> population) {
        requireNonNull(population, "population");
        if (count == 1) {
            return List.copyOf(population);
        }
        List<String> serials = new ArrayList<>(population.size());
        population.forEach(d -> serials.add(d.serialNumber()));
        serials.sort(Comparator.naturalOrder());
        int n = serials.size();
        int from = (int) ((long) n * (index - 1) / count);
        int to = (int) ((long) n * index / count);
        Set<String> mine = new HashSet<>(serials.subList(from, to));
        return population.stream().filter(d -> mine.contains(d.serialNumber())).toList();
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
