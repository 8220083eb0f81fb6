package io.mdmsim.scenarios.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An end-to-end test on a world with a manual clock whose fake ABM holds the devices the test chose (CSV rows of
 * {@link E2eWorld#importDevices}), all assigned to one MDM server whose token the MDM has added and synced.
 */
abstract class ImportedDevicesTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    /** The MDM's name of the synced token. */
    String token;
    /** Where the devices' traces go. */
    @TempDir
    Path traces;

    /** Starts the world with these devices (e.g. {@code "F2LXA0000001,iPhone15,2,17.5,21F90"}) and adds the token. */
    void start(String server, String... devices) throws Exception {
        startWith(server, "", devices);
    }

    /** {@link #start} with more query parameters for the token upload, e.g. {@code "&scopeTags=A"}. */
    void startWith(String server, String moreQuery, String... devices) throws Exception {
        world = worlds.start(new E2eWorld(0));
        world.importDevices(devices);
        token = world.addToken(server, true, t -> t.path("syncState").asText().equals("SYNCED"), moreQuery);
    }

    /** Creates an enrollment profile and assigns it to these serials in ABM; returns its UUID. */
    String profile(String json, String... serials) throws Exception {
        String uuid = world.createProfile(token, json, false);
        world.assignProfile(token, uuid, List.of(serials));
        return uuid;
    }

    /** Runs one device with the default behaviour. */
    DeviceRun one(String serial) throws Exception {
        return DeviceRun.run(world, traces, b -> { }, serial).getFirst();
    }

    /** The MDM's detailed view of the device of a run. */
    JsonNode device(DeviceRun d) {
        return world.mdmAdmin.getJson("/admin/devices/" + d.result().device().udid());
    }
}
