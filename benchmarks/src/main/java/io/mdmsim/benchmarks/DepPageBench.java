package io.mdmsim.benchmarks;

import io.mdmsim.core.dep.DepDevice;
import io.mdmsim.core.dep.FetchDevicesResponse;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ProfileStatus;
import io.mdmsim.core.http.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** A DEP fetch page of 1,000 devices (ADS FetchDeviceResponse): encoded as the fake ABM sends it, read as an MDM does. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DepPageBench {

    private final FetchDevicesResponse page = page();
    private final byte[] json = Json.write(page);

    private static FetchDevicesResponse page() {
        Instant t = Instant.parse("2026-05-01T10:00:00Z");
        List<DepDevice> devices = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            devices.add(DepDevice.builder(String.format("F2LX%08d", i), "iPhone 15 Pro").description("IPHONE 15 PRO BLK")
                    .color("BLACK").os("iOS").deviceFamily("iPhone").profileStatus(ProfileStatus.ASSIGNED)
                    .profileUuid("3F1A9C2E0B7D4E8F9A6B5C4D3E2F1A0B").profileAssignTime(t).deviceAssignedDate(t)
                    .deviceAssignedBy("admin@example.com").opType(OpType.ADDED).opDate(t).build());
        }
        return new FetchDevicesResponse(devices, "MTUwMDAwMDAwMDAwMDAwMDAw", t, true);
    }

    @Benchmark
    public byte[] encode() {
        return Json.write(page);
    }

    @Benchmark
    public FetchDevicesResponse decode() {
        return Json.read(json, FetchDevicesResponse.class);
    }
}
