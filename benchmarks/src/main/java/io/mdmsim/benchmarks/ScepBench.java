package io.mdmsim.benchmarks;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.scep.MessageType;
import io.mdmsim.core.scep.Scep;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.enroll.ChallengeStore;
import io.mdmsim.mdm.enroll.EnrollmentService;
import io.mdmsim.mdm.enroll.IdentityBindings;
import io.mdmsim.mdm.enroll.ScepService;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.Ids;
import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MDM's SCEP PKIOperation for a PKCSReq: parse and check the pkiMessage, decrypt the CSR, check its one-time
 * challenge, issue the certificate, answer a signed CertRep encrypted to the device. Each call gets a new request
 * with a new challenge (made before the call and not timed), as each device brings its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ScepBench {

    private final SimClock clock = SimClock.manual(Fixtures.NOW);
    private final ChallengeStore challenges = new ChallengeStore(clock::now, new SecureRandom(), Duration.ofMinutes(15));
    private final ScepService scep = new ScepService(CertificateAuthority.of(Fixtures.PKI.scepCa().identity()), null, 0,
            challenges, new IdentityBindings(), clock, Duration.ofDays(365), new EventLog(clock, 1000));
    private final EnrollmentService profiles = new EnrollmentService(MdmConfig.builder().clock(clock)
            .scepCa(Fixtures.PKI.scepCa().identity()).build(), Fixtures.PKI.scepCa().certificate(), null, challenges,
            new Ids(1), () -> URI.create("http://127.0.0.1:8500"), new EventLog(clock, 1000));
    private final KeyPair deviceKey = KeyPairs.rsa2048();
    private final Identity selfSigned = Scep.selfSigned(deviceKey, "CN=" + Fixtures.UDID, Fixtures.NOW);
    private byte[] request;

    @Setup(Level.Invocation)
    public void newRequest() {
        request = Scep.request(MessageType.PKCS_REQ,
                Scep.csr(deviceKey, "CN=" + Fixtures.UDID, challenge()), selfSigned,
                Fixtures.PKI.scepCa().certificate(), ContentCipher.AES128_CBC, DigestAlgorithm.SHA256,
                Scep.transactionId(deviceKey.getPublic()) + System.nanoTime(), Scep.newNonce());
    }

    /** A new one-time challenge, as a device gets it: from the SCEP payload of an enrollment profile. */
    private String challenge() {
        NSDictionary profile = Plist.parseDictionary(profiles.otaProfile());
        for (NSObject p : ((NSArray) profile.get("PayloadContent")).getArray()) {
            NSDictionary payload = (NSDictionary) p;
            if ("com.apple.security.scep".equals(payload.get("PayloadType").toJavaObject())) {
                return ((NSDictionary) payload.get("PayloadContent")).get("Challenge").toJavaObject().toString();
            }
        }
        throw new IllegalStateException("the enrollment profile has no SCEP payload");
    }

    @Benchmark
    public byte[] pkcsReq() {
        return scep.pkiOperation(request);
    }
}
