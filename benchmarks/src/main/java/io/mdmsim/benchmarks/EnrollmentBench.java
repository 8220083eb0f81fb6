package io.mdmsim.benchmarks;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.enroll.ChallengeStore;
import io.mdmsim.mdm.enroll.EnrollmentService;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.model.MachineInfo;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * The MDM's enrollment endpoint without the HTTP: MachineInfo verification (CMS signature, the signer's chain to the
 * device CA, the plist) and the enrollment profile built for the device (trust, SCEP with a one-time challenge, MDM
 * payloads), unsigned and CMS-signed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class EnrollmentBench {

    private final byte[] machineInfo = machineInfo();
    private final EnrollmentService unsigned = service(false);
    private final EnrollmentService signed = service(true);
    private final MachineInfo info = unsigned.verifyMachineInfo(machineInfo);

    private static byte[] machineInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("UDID", Fixtures.UDID);
        m.put("SERIAL", Fixtures.SERIAL);
        m.put("PRODUCT", "iPhone15,2");
        m.put("VERSION", "22C152");
        m.put("OS_VERSION", "18.2");
        m.put("LANGUAGE", "en");
        return Cms.signAttached(Plist.toXml(Plist.wrap(m)), Fixtures.FACTORY);
    }

    private static EnrollmentService service(boolean signProfiles) {
        SimClock clock = SimClock.manual(Fixtures.NOW);
        MdmConfig.Builder config = MdmConfig.builder().clock(clock).scepCa(Fixtures.PKI.scepCa().identity())
                .trustedDeviceCas(List.of(Fixtures.PKI.appleDeviceCa().certificate()));
        if (signProfiles) {
            config.profileSigner(Fixtures.PKI.tlsServer());
        }
        return new EnrollmentService(config.build(), Fixtures.PKI.scepCa().certificate(), null,
                new ChallengeStore(clock::now, new SecureRandom(), Duration.ofMinutes(15)), new Ids(1),
                () -> URI.create("http://127.0.0.1:8500"), new EventLog(clock, 1000));
    }

    @Benchmark
    public MachineInfo verifyMachineInfo() {
        return unsigned.verifyMachineInfo(machineInfo);
    }

    @Benchmark
    public byte[] profile() {
        return unsigned.profileFor(info);
    }

    @Benchmark
    public byte[] signedProfile() {
        return signed.profileFor(info);
    }
}
