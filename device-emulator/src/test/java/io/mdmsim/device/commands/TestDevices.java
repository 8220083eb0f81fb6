package io.mdmsim.device.commands;

import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.model.AccessRight;
import io.mdmsim.device.model.CloudConfiguration;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.EnrollmentProfile;
import io.mdmsim.device.model.HardwareProfile;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.runtime.DeviceContext;
import io.mdmsim.device.runtime.FleetContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Devices in a known state for handler tests: enrolled through ADE, with an MDM payload of chosen AccessRights. */
final class TestDevices {

    static final Instant START = Instant.parse("2025-03-03T09:00:00Z");
    static final SimPki PKI = SimPki.create(START);
    static final KeySource KEYS = KeySource.reusing(1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Shared by every test device: making RSA keys is what makes tests slow. */
    static final Identity FACTORY_IDENTITY = PKI.appleDeviceCa().issueClientIdentity("CN=test-device", START,
            Duration.ofDays(3650));
    static final Identity MDM_IDENTITY = PKI.scepCa().issueClientIdentity("CN=test-device", START, Duration.ofDays(365));

    private TestDevices() {
    }

    /** A device and the context its handlers run in; the clock is manual. */
    record Fixture(Device device, DeviceContext ctx, ManualClock clock) {
        CommandReply run(io.mdmsim.core.protocol.Command c) throws Exception {
            return ((CommandHandlers) ctx.fleet().handlers()).dispatch(ctx, c);
        }
    }

    /** A supervised iPhone or iPad enrolled through ADE, all access rights, not awaiting configuration. */
    static Device ade(String productType, String os) {
        return ade(productType, os, AccessRight.ALL, true, false);
    }

    static Device ade(String productType, String os, long accessRights, boolean supervised, boolean multiUser) {
        String family = productType.startsWith("iPad") ? "iPad" : "iPhone";
        DeviceSpec spec = new DeviceSpec("SERIAL" + Math.abs((productType + os).hashCode() % 100000), productType,
                family + " test", os, "21F90");
        Device d = new Device(0, spec, HardwareProfile.derive(1, spec));
        d.factoryIdentity(FACTORY_IDENTITY);
        d.cloudConfiguration(new CloudConfiguration(URI.create("http://127.0.0.1:1/mdm/enroll"), null, supervised, true,
                true, true, multiUser, List.of(), List.of(), "Test Org"));
        d.profileBytes(enrollmentProfile());
        d.profile(new EnrollmentProfile("com.example.enroll", List.of(),
                new EnrollmentProfile.ScepPayload("SCEP-UUID", URI.create("http://127.0.0.1:1/scep"), "ca",
                        "CN=" + d.udid(), "challenge", 2048, 5, 3, Duration.ofSeconds(10), null),
                new EnrollmentProfile.MdmPayload("SCEP-UUID", "com.apple.mgmt.External.test",
                        URI.create("http://127.0.0.1:1/mdm/connect"), URI.create("http://127.0.0.1:1/mdm/checkin"),
                        true, accessRights, true, List.of())));
        d.mdmIdentity(MDM_IDENTITY);
        d.pushCredentials(new byte[32], "MAGIC", null);
        return d;
    }

    static Fixture fixture(Device d) {
        ManualClock clock = SimClock.manual(START);
        FleetConfig config = FleetConfig.builder()
                .cloudConfigUrl(URI.create("http://127.0.0.1:1/cloudconfig"))
                .appleDeviceCa(PKI.appleDeviceCa().identity())
                .addDevice(d.spec())
                .clock(clock)
                .keySource(KEYS)
                .build();
        FleetContext fleet = new FleetContext(config, new DeviceHttp(HTTP, Duration.ofSeconds(10)),
                CertificateAuthority.of(PKI.appleDeviceCa().identity()), CommandHandlers.defaults());
        return new Fixture(d, new DeviceContext(fleet, d, new SplittableRandom(7)), clock);
    }

    static Fixture fixture(String productType, String os) {
        return fixture(ade(productType, os));
    }

    /** The enrollment profile's bytes as the device received them (enough for ProfileList). */
    static byte[] enrollmentProfile() {
        Map<String, Object> mdm = new LinkedHashMap<>();
        mdm.put("PayloadType", "com.apple.mdm");
        mdm.put("PayloadVersion", 1);
        mdm.put("PayloadIdentifier", "com.example.enroll.mdm");
        mdm.put("PayloadUUID", "MDM-UUID");
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("PayloadType", "Configuration");
        top.put("PayloadVersion", 1);
        top.put("PayloadIdentifier", "com.example.enroll");
        top.put("PayloadUUID", "ENROLL-UUID");
        top.put("PayloadDisplayName", "MDM enrollment");
        top.put("PayloadContent", List.of(mdm));
        return Plist.toXml(Plist.wrap(top));
    }
}
