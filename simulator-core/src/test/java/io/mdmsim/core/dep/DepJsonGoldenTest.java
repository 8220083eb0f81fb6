package io.mdmsim.core.dep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mdmsim.core.http.Json;
import io.mdmsim.core.testing.GoldenFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DEP JSON models as golden files, both directions: the models write the file with Apple's field names, reading
 * the file gives the model back, and the model read writes the file again.
 */
class DepJsonGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/golden/dep");
    private static final Instant T = Instant.parse("2026-03-02T09:00:00Z");

    @Test
    void aProfileWithEveryField() {
        DepProfile p = DepProfile.builder().profileName("Corporate").url("https://mdm.example.com/mdm/enroll")
                .configurationWebUrl("https://mdm.example.com/mdm/enroll").allowPairing(true).isSupervised(true)
                .isMandatory(true).isMdmRemovable(false).awaitDeviceConfigured(true).autoAdvanceSetup(false)
                .isMultiUser(false).isReturnToService(false).doNotUseProfileFromBackup(false).department("IT")
                .orgMagic("mdmsim-1").supportPhoneNumber("+1 555 0100").supportEmailAddress("it@example.com")
                .language("en").region("US").anchorCerts(List.of("MIIB")).supervisingHostCerts(List.of("MIIC"))
                .skipSetupItems(List.of("Siri", "Location")).devices(List.of("C39XK0PQHG7J")).build();
        both("profile.json", p, DepProfile.class);
    }

    @Test
    void aFetchPage() {
        DepDevice d = new DepDevice("C39XK0PQHG7J", "iPhone 13", "IPHONE 13 BLUE 128GB-USA", "BLUE", null, "iOS",
                "iPhone", ProfileStatus.ASSIGNED, "8E8A1C9B6B2C4F5D", T, null, T.minusSeconds(3600), "admin@example.com",
                null, OpType.ADDED, T, null);
        both("fetch-devices-response.json", new FetchDevicesResponse(List.of(d), "MTIzNDU2Nzg5MA", T, false),
                FetchDevicesResponse.class);
    }

    private static <T> void both(String name, T model, Class<T> type) {
        Path file = DIR.resolve(name);
        GoldenFiles.assertWritten(file, Json.write(model));
        T read = Json.read(GoldenFiles.read(file), type);
        assertEquals(model, read);
        GoldenFiles.assertWritten(file, Json.write(read));
    }
}
