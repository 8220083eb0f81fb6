package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input at the edges of its type gets a clear 400, never a silent wrap, a last-one-wins or a default. */
class InputEdgesTest {

    private final AbmFixture abm = new AbmFixture(b -> { });

    @AfterEach
    void stop() {
        abm.close();
    }

    private static void assertBadRequest(HttpResponse<byte[]> r, String... mentions) {
        assertEquals(400, r.statusCode(), text(r));
        for (String m : mentions) {
            assertTrue(text(r).contains(m), "'" + text(r) + "' should mention '" + m + "'");
        }
    }

    @Test
    void aDeviceCountPastAnIntIsRefusedNotWrapped() {
        int before = abm.serials().size();
        assertBadRequest(abm.adminPost("/admin/devices", "{\"count\":4294967297}"), "count: 4294967297",
                "expected: 1..");
        assertBadRequest(abm.adminPost("/admin/devices", "{\"count\":0}"), "count: 0");
        assertBadRequest(abm.adminPost("/admin/devices", "{\"count\":-5}"), "count: -5");
        assertBadRequest(abm.adminPost("/admin/devices", "{\"count\":1.5}"), "count: 1.5");
        assertEquals(before, abm.serials().size(), "no device was added");
    }

    @Test
    void duplicateJsonKeysAreRefused() {
        HttpResponse<byte[]> dup = abm.adminPost("/admin/devices", "{\"count\":1,\"count\":2}");
        assertEquals(400, dup.statusCode(), text(dup));
        assertTrue(text(dup).toLowerCase().contains("duplicate") && text(dup).contains("count"), text(dup));
        AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
        DepBadInputTest.assertRefused(dep.post("/server/devices", "{\"limit\":5,\"limit\":500}"), 400,
                "MALFORMED_REQUEST_BODY", "Duplicate");
    }

    @Test
    void aDepLimitBelowOneIsRefused() {
        AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
        for (String limit : new String[] {"0", "-1"}) {
            DepBadInputTest.assertRefused(dep.post("/server/devices", "{\"limit\":" + limit + "}"), 400,
                    "MALFORMED_REQUEST_BODY", "limit: " + limit + " (expected: 1..");
        }
    }

    @Test
    void aDepProfileNameMustBeAString() {
        AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
        DepBadInputTest.assertRefused(dep.post("/profile", "{\"profile_name\":123,\"url\":\"https://mdm.example.com/e\"}"),
                400, "MALFORMED_REQUEST_BODY", "profile_name");
    }

    @Test
    void theDataDirectoryAndItsDatabaseArePrivate(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("abm-data");
        try (AbmFixture persisted = new AbmFixture(b -> b.dataDir(dir))) {
            persisted.createMdmServer("mdm-1");
            persisted.downloadToken("mdm-1");
        }
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
                        f.getFileName() + " holds OAuth secrets in clear");
            }
        }
    }
}
