package io.mdmsim.mdm.policy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.model.DeviceError;
import io.mdmsim.mdm.policy.PolicyService.Channel;
import io.mdmsim.mdm.policy.PolicyService.EnrollmentRequest;
import io.mdmsim.mdm.store.MdmStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enrollment policy outlives a restart on the same data directory: restrictions, corporate identifiers, licence
 * totals and holders, VPP tokens with their Company Portal licences, and the devices already checked. A released
 * licence and a deleted VPP token stay released and deleted.
 */
class PolicyStorageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path dir;

    private final ManualClock clock = SimClock.manual(T0);
    private final Map<String, EnrollmentProfile> profiles = new HashMap<>();

    private PolicyService open(MdmStore store) {
        PolicyService p = new PolicyService(clock, (type, udid, data) -> { }, null, store.policy());
        p.profileLookup(profiles::get);
        p.allProfiles(() -> List.copyOf(profiles.values()));
        return p;
    }

    @Test
    void everythingThePolicyKnowsComesBack() throws Exception {
        profiles.put("KIOSK1", JSON.readValue("{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\","
                + "\"installCompanyPortal\":true,\"vppToken\":\"Apps\"}", EnrollmentProfile.class));
        profiles.put("KIOSK2", profiles.get("KIOSK1"));
        PolicyAdmin.PolicyView before;
        try (MdmStore store = MdmStore.open(dir)) {
            PolicyService policy = open(store);
            PolicyAdmin admin = new PolicyAdmin(policy);
            VppTokenAdmin vpp = new VppTokenAdmin(policy);
            admin.updatePolicy(JSON.readTree("""
                    {"deviceTypeRestrictions":{"ipados":"blocked","personallyOwned":"blocked"},
                     "corporateIdentifiers":{"serials":["C1","C2"],"imeis":["356789012345678"]},
                     "userLicenses":{"total":3},"deviceLicenses":{"total":2}}"""));
            vpp.add(JSON.readTree("{\"name\":\"Apps\",\"organization\":\"Example\","
                    + "\"expiry\":\"2027-03-01\",\"companyPortalLicenses\":5}"));
            vpp.add(JSON.readTree("{\"name\":\"Old\",\"expiry\":\"2027-03-01\",\"companyPortalLicenses\":1}"));
            assertEquals("allowed", code(policy.checkEnrollment(ade("KIOSK1"))));
            assertEquals("allowed", code(policy.checkEnrollment(ade("KIOSK2"))));
            assertEquals(Optional.empty(), policy.claimUserLicense("ann", "UDID-KIOSK1"));
            assertTrue(policy.releaseDevice("KIOSK2"));
            vpp.update("Apps", JSON.readTree("{\"companyPortalLicenses\":7}"));
            vpp.delete("Old");
            before = admin.policyJson();
        }
        try (MdmStore store = MdmStore.open(dir)) {
            PolicyService policy = open(store);
            PolicyAdmin admin = new PolicyAdmin(policy);
            assertEquals(before, admin.policyJson());
            assertEquals(List.of("KIOSK1"), List.copyOf(policy.deviceLicenses.holders));
            assertEquals(List.of("KIOSK1"), List.copyOf(policy.vppTokens.get("Apps").holders));
            assertEquals(7, policy.vppTokens.get("Apps").companyPortalLicenses);
            assertEquals(List.of("Apps"), List.copyOf(policy.vppTokens.keySet()));
            assertEquals(List.of("ann"), List.copyOf(policy.userLicenses.holders));
            // the device checked before the restart needs no second check at its Authenticate
            assertEquals("allowed", code(policy.checkEnrollment(new EnrollmentRequest(Channel.AUTHENTICATE,
                    "UDID-KIOSK1", null, null, "iPad13,18", null))));
        }
    }

    @Test
    void anEnrollmentWaitingForItsPolicyWriteHoldsUpNoOtherEnrollment() throws Exception {
        MdmStore memory = MdmStore.inMemory();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger handedOver = new java.util.concurrent.atomic.AtomicInteger();
        io.mdmsim.mdm.store.StoredPolicy slowDisk = new io.mdmsim.mdm.store.StoredPolicy() {
            @Override
            public io.mdmsim.mdm.store.Commit submit(String settingsJson, List<String> clearedSets,
                    List<Member> removed, List<Member> added) {
                memory.policy().submit(settingsJson, clearedSets, removed, added);
                handedOver.incrementAndGet();
                return () -> {
                    try {
                        release.await(); // the disk is slow
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                };
            }

            @Override
            public Loaded load() {
                return memory.policy().load();
            }
        };
        PolicyService policy = new PolicyService(clock, (type, udid, data) -> { }, null, slowDisk);
        Thread first = Thread.ofVirtual().start(() -> policy.checkEnrollment(ade("S1")));
        await().until(() -> handedOver.get() == 1);
        Thread second = Thread.ofVirtual().start(() -> policy.checkEnrollment(ade("S2")));
        // the second enrollment gets the policy while the first waits for the disk
        await().until(() -> handedOver.get() == 2);
        release.countDown();
        first.join();
        second.join();
        assertEquals(List.of(new io.mdmsim.mdm.store.StoredPolicy.Member("checked-udid", "UDID-S1"),
                new io.mdmsim.mdm.store.StoredPolicy.Member("checked-udid", "UDID-S2")), memory.policy().load().members());
    }

    private static EnrollmentRequest ade(String serial) {
        return new EnrollmentRequest(Channel.ADE, "UDID-" + serial, serial, null, "iPhone15,2", null);
    }

    private static String code(Optional<DeviceError> e) {
        return e.map(DeviceError::code).orElse("allowed");
    }
}
