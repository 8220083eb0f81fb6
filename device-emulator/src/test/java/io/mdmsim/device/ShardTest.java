package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardTest {

    private static List<DeviceSpec> population(int n, long shuffleSeed) {
        List<DeviceSpec> out = new ArrayList<>();
        Random r = new Random(42);
        for (int i = 0; i < n; i++) {
            out.add(new DeviceSpec(String.format("F%011d", r.nextLong(100_000_000_000L)), "iPhone15,2", "iPhone 14 Pro",
                    "17.5", "21F90"));
        }
        Collections.shuffle(out, new Random(shuffleSeed));
        return out;
    }

    @Test
    void shardsPartitionThePopulationWhateverOrderEachProcessSeesItIn() {
        for (int n : new int[] {0, 1, 7, 100, 1001}) {
            for (int count : new int[] {1, 2, 3, 7, 16}) {
                Set<String> union = new HashSet<>();
                int total = 0;
                int min = Integer.MAX_VALUE;
                int max = 0;
                for (int i = 1; i <= count; i++) {
                    // each "process" got the population in its own order
                    List<DeviceSpec> mine = new Shard(i, count).select(population(n, i * 31L));
                    total += mine.size();
                    min = Math.min(min, mine.size());
                    max = Math.max(max, mine.size());
                    mine.forEach(d -> union.add(d.serialNumber()));
                }
                assertEquals(n, total, n + " devices in " + count + " shards: no device twice");
                assertEquals(new HashSet<>(population(n, 0).stream().map(DeviceSpec::serialNumber).toList()), union,
                        "every device once");
                assertTrue(max - min <= 1, "sizes differ by at most one: " + min + ".." + max);
            }
        }
    }

    @Test
    void aShardIsAContiguousSerialRangeAndKeepsTheGivenOrder() {
        List<DeviceSpec> pop = population(10, 3);
        List<DeviceSpec> second = new Shard(2, 2).select(pop);
        List<String> sorted = pop.stream().map(DeviceSpec::serialNumber).sorted().toList();
        assertEquals(new HashSet<>(sorted.subList(5, 10)),
                new HashSet<>(second.stream().map(DeviceSpec::serialNumber).toList()));
        List<DeviceSpec> inOrder = pop.stream().filter(second::contains).toList();
        assertEquals(inOrder, second);
        assertEquals(pop, Shard.ALL.select(pop));
    }

    @Test
    void badShardsSayWhatIsExpected() {
        assertEquals(new Shard(2, 4), Shard.parse(" 2 / 4 "));
        assertEquals("2/4", Shard.parse("2/4").toString());
        assertEquals("shard: 2of4 (expected: i/n with 1 <= i <= n, e.g. 2/4)",
                assertThrows(IllegalArgumentException.class, () -> Shard.parse("2of4")).getMessage());
        assertEquals("shard index: 0 (expected: 1..4, e.g. --shard 1/4)",
                assertThrows(IllegalArgumentException.class, () -> Shard.parse("0/4")).getMessage());
        assertEquals("shard index: 5 (expected: 1..4, e.g. --shard 1/4)",
                assertThrows(IllegalArgumentException.class, () -> Shard.parse("5/4")).getMessage());
        assertEquals("shard count: 0 (expected: 1..100000)",
                assertThrows(IllegalArgumentException.class, () -> Shard.parse("0/0")).getMessage());
        assertEquals("shard: 99999999999/2 (expected: i/n with 1 <= i <= n, e.g. 2/4)",
                assertThrows(IllegalArgumentException.class, () -> Shard.parse("99999999999/2")).getMessage());
    }
}
