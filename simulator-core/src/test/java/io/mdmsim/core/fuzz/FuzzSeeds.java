package io.mdmsim.core.fuzz;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.pki.TestPki;
import io.mdmsim.core.scep.MessageType;
import io.mdmsim.core.scep.Scep;
import io.mdmsim.core.testing.HostilePlists;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;

/**
 * Writes the seed inputs of the fuzz targets into the test resources (run once by hand; the files are kept):
 * {@code java -cp <test class path> io.mdmsim.core.fuzz.FuzzSeeds simulator-core/src/test/resources}.
 */
public final class FuzzSeeds {

    private FuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args[0]);
        Path fixtures = resources.resolve("io/mdmsim/core/plist/fixtures");
        Path pkg = resources.resolve("io/mdmsim/core/fuzz");

        Path plist = pkg.resolve("PlistFuzzTestInputs/anyBytesParseOrAreRefusedClearly");
        for (String f : new String[] {"kitchen-sink.python.bin", "kitchen-sink.plistutil.xml",
                "command-deviceinformation.plistutil.bin"}) {
            copy(fixtures.resolve(f), plist.resolve("seed-" + f));
        }
        write(plist.resolve("seed-dag-report.bin"), HostilePlists.dagReport("UDID", "CMD", 26));

        Path checkin = pkg.resolve("CheckinFuzzTestInputs/anyBytesAreACheckinOrAClearRefusal");
        for (String f : new String[] {"authenticate.python.xml", "tokenupdate.python.bin", "checkout.python.xml",
                "result-acknowledged.plistutil.xml", "result-error.python.bin"}) {
            copy(fixtures.resolve(f), checkin.resolve("seed-" + f));
        }

        Identity client = TestPki.get().client;
        byte[] content = new byte[64];
        Arrays.fill(content, (byte) 'x');
        Path cms = pkg.resolve("CmsFuzzTestInputs/anyBytesVerifyOrAreRefusedClearly");
        write(cms.resolve("seed-attached"), concat(content, Cms.signAttached("<plist/>".getBytes(StandardCharsets.UTF_8),
                client)));
        write(cms.resolve("seed-detached"), concat(content, Cms.signDetached(content, client)));
        write(cms.resolve("seed-enveloped"), concat(content, Cms.encrypt(content, client.certificate(),
                ContentCipher.AES128_CBC)));

        KeyPair key = KeyPairs.rsa2048();
        Identity signer = Scep.selfSigned(key, "CN=fuzz", TestPki.NOW);
        write(pkg.resolve("ScepFuzzTestInputs/anyBytesAreAPkiMessageOrAClearRefusal/seed-pkcsreq"),
                Scep.request(MessageType.PKCS_REQ, Scep.csr(key, "CN=fuzz", "challenge"), signer,
                        client.certificate(), ContentCipher.AES128_CBC, DigestAlgorithm.SHA256,
                        Scep.transactionId(key.getPublic()), Scep.newNonce()));

        Path dep = pkg.resolve("DepJsonFuzzTestInputs/anyBytesAreADepBodyOrAClearRefusal");
        write(dep.resolve("seed-fetch"), "{\"cursor\":\"MTox\",\"limit\":100}".getBytes(StandardCharsets.UTF_8));
        write(dep.resolve("seed-profile"), ("{\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/e\","
                + "\"skip_setup_items\":[\"Location\"],\"is_supervised\":true,\"devices\":[\"C02X\"]}")
                .getBytes(StandardCharsets.UTF_8));
        write(dep.resolve("seed-devices"), ("{\"devices\":[{\"serial_number\":\"C02X\",\"model\":\"iPhone\","
                + "\"op_type\":\"added\",\"op_date\":\"2025-01-01T00:00:00Z\",\"profile_status\":\"empty\"}],"
                + "\"cursor\":\"c\",\"more_to_follow\":false,\"fetched_until\":\"2025-01-01T00:00:00Z\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void copy(Path from, Path to) throws IOException {
        write(to, Files.readAllBytes(from));
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
