package io.mdmsim.benchmarks;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ParsedSignature;
import io.mdmsim.core.cms.SignedContent;
import io.mdmsim.core.pki.CertificateChains;
import io.mdmsim.core.pki.ValidatedChains;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.TokenUpdate;
import java.security.cert.X509Certificate;
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

/**
 * The Mdm-Signature header (detached CMS SignedData over the request body): a device signs it, the MDM verifies it
 * and chains the signer to its SCEP CA, as for every signed check-in and command answer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MdmSignatureBench {

    private final byte[] body = CheckinCodec.encode(new TokenUpdate("com.apple.mgmt.External.bench", Fixtures.UDID,
            null, new byte[32], "6F2C2E48-2C0B-4B8A-9B52-7D7B3E0C9A11", null, false, null, null, null, null, null,
            null));
    private final byte[] signature = Cms.signDetached(body, Fixtures.MDM_IDENTITY);
    private final ValidatedChains knownSigners = knownSigners();

    private ValidatedChains knownSigners() {
        ValidatedChains chains = new ValidatedChains(List.of(Fixtures.PKI.scepCa().certificate()), 16);
        SignedContent signed = Cms.verifyDetached(signature, body, "Mdm-Signature");
        chains.verify(signed.signer(), signed.intermediates(), Fixtures.NOW);
        return chains;
    }

    @Benchmark
    public byte[] sign() {
        return Cms.signDetached(body, Fixtures.MDM_IDENTITY);
    }

    /** What the MDM does with the header: the signature over the body, then the signer's chain to the SCEP CA. */
    @Benchmark
    public SignedContent verify() {
        SignedContent signed = Cms.verifyDetached(signature, body, "Mdm-Signature");
        CertificateChains.verify(signed.signer(), signed.intermediates(),
                List.of(Fixtures.PKI.scepCa().certificate()), Fixtures.NOW);
        return signed;
    }

    /**
     * What the MDM does for a device it has seen: the signature parsed, the signer's certificate found among those
     * whose chain was validated before (by its hash), and the signature value checked with it.
     */
    @Benchmark
    public X509Certificate verifyKnownSigner() {
        ParsedSignature parsed = ParsedSignature.parseDetached(signature, body, "Mdm-Signature");
        X509Certificate known = knownSigners.known(parsed.signerCertificateDer(), Fixtures.NOW);
        if (known == null) {
            throw new IllegalStateException("the signer's chain is not remembered");
        }
        parsed.verifyBy(known);
        return known;
    }
}
