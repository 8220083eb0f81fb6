package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.time.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A thousand devices at once against the in-test fake: every one enrolls, none disturbs another. Not timed. */
@Tag("slow") // CI runs it; -DexcludedGroups=slow skips it
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FleetAtScaleTest {

    @Test
    void aThousandDevicesEnrollAtOnce() {
        Instant start = Instant.parse("2025-03-03T09:00:00Z");
        SimPki pki = SimPki.create(start);
        try (FakeAppleAndMdm fake = new FakeAppleAndMdm(pki, SimClock.manual(start))) {
            List<DeviceSpec> devices = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                devices.add(i % 4 == 0
                        ? new DeviceSpec(String.format("DMPXS0PQ%04d", i), "iPad13,18", "iPad (10th generation)", "17.4",
                                "21E219")
                        : new DeviceSpec(String.format("F2LXS0PQ%04d", i), "iPhone15,2", "iPhone 14 Pro", "17.5",
                                "21F90"));
            }
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            FleetListener listener = new FleetListener() {
                @Override
                public void stageEntered(DeviceRef device, Stage stage) {
                    if (stage == Stage.CLOUD_CONFIG) {
                        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    }
                }

                @Override
                public void deviceFinished(DeviceResult result) {
                    running.decrementAndGet();
                }
            };
            FleetResult r = DeviceFleet.run(FleetConfig.builder()
                    .cloudConfigUrl(fake.cloudConfigUrl())
                    .appleDeviceCa(pki.appleDeviceCa().identity())
                    .devices(devices)
                    .seed(1000)
                    .clock(fake.clock)
                    .concurrency(1000)
                    .maxConnections(64)
                    .idlePollInterval(Duration.ZERO)
                    .keySource(KeySource.pregenerated(4))
                    .listener(listener)
                    .build());
            assertTrue(r.allEnrolled(), r.summary());
            assertEquals(1000, r.count(Outcome.ENROLLED));
            assertTrue(mostAtOnce.get() > 64, "devices run at once beyond the connection limit: " + mostAtOnce.get());
            Set<String> udids = new HashSet<>();
            r.devices().forEach(d -> udids.add(d.device().udid()));
            assertEquals(1000, udids.size());
            assertEquals(1000, fake.tokenUpdates().size());
            assertEquals(2000, fake.reportsWithStatus(CommandStatus.ACKNOWLEDGED).size(),
                    "DeviceInformation and DeviceConfigured, each answered once");
        }
    }
}
