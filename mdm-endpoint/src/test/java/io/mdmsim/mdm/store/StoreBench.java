package io.mdmsim.mdm.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast device writes reach the store, by backend and by how many devices write at once: each write is what a
 * check-in or a command report hands over (a device record of about 2 KiB and one changed command), and returns when
 * durable. Not a test: run it as a main (BENCHMARKS.md, "MDM storage").
 *
 * <pre>StoreBench [--writes-per-device N] [--dir DIR]</pre>
 */
public final class StoreBench {

    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        int perDevice = 200;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--writes-per-device" -> perDevice = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected: --writes-per-device N, --dir DIR)");
            }
        }
        Path base = dir != null ? dir : Files.createTempDirectory("mdm-store-bench");
        String json = "{\"serialNumber\":\"F2LXJ0Q1HG7K\",\"pad\":\"" + "x".repeat(2000) + "\"}";
        System.out.printf("%-8s %8s %10s %12s %10s%n", "backend", "devices", "writes", "writes/s", "per commit");
        for (int devices : new int[] {1, 16, 256}) {
            int writes = devices == 1 ? perDevice * 4 : perDevice;
            run("memory", MdmStore.inMemory(), devices, writes, json);
            Path d = base.resolve("sqlite-" + devices);
            run("sqlite", MdmStore.open(d), devices, writes, json);
        }
    }

    private static void run(String name, MdmStore store, int devices, int writesPerDevice, String json)
            throws Exception {
        AtomicLong done = new AtomicLong();
        long commitsBefore = store instanceof SqliteMdmStore s ? s.groupCommit().commits() : 0;
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int d = 0; d < devices; d++) {
                String id = "UDID-" + d;
                all.add(pool.submit(() -> {
                    for (int i = 0; i < writesPerDevice; i++) {
                        Instant now = Instant.ofEpochSecond(1_770_000_000L + i);
                        store.devices().save(new StoredDevices.Device(id, "F2LX", "ENROLLED", now, json),
                                List.of(new StoredDevices.Command(id, i, "C-" + i, "DeviceInformation", "SENT", null,
                                        now, now, null, 1, null, null, new byte[600])));
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long commits = store instanceof SqliteMdmStore s ? s.groupCommit().commits() - commitsBefore : done.get();
        store.close();
        System.out.printf("%-8s %8d %10d %12.0f %10.1f%n", name, devices, done.get(), done.get() / seconds,
                (double) done.get() / Math.max(1, commits));
    }
}
