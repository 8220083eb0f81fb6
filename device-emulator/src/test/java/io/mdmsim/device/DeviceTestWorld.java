package io.mdmsim.device;

import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension for the device tests' world: before each test a {@link ManualClock} at {@code start} and a
 * {@link FakeAppleAndMdm} (fake Apple and a small MDM) on it, closed after the test whether it passed or not; the
 * simulator PKI is made once per start instant and shared. Register it as an instance field:
 * <pre>
 * &#64;RegisterExtension
 * final DeviceTestWorld world = new DeviceTestWorld(START);
 * </pre>
 */
final class DeviceTestWorld implements BeforeEachCallback, AfterEachCallback {

    private static final Map<Instant, SimPki> PKIS = new ConcurrentHashMap<>();

    private final Instant start;
    private ManualClock clock;
    private FakeAppleAndMdm fake;

    DeviceTestWorld(Instant start) {
        this.start = start;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        clock = SimClock.manual(start);
        fake = new FakeAppleAndMdm(pki(), clock);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (fake != null) {
            fake.close();
            fake = null;
        }
    }

    /** The simulator PKI (its fake Apple device CA and SCEP CA), valid from the start instant. */
    SimPki pki() {
        return PKIS.computeIfAbsent(start, SimPki::create);
    }

    ManualClock clock() {
        return clock;
    }

    FakeAppleAndMdm fake() {
        return fake;
    }

    /** Closes the fake and starts a new one on the same clock (a test that needs a fresh server mid-way). */
    FakeAppleAndMdm restartFake() {
        fake.close();
        fake = new FakeAppleAndMdm(pki(), clock);
        return fake;
    }
}
