package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.device.EnrollmentState;
import io.mdmsim.mdm.device.PortalState;
import io.mdmsim.mdm.enroll.IdentityBindings;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.http.CompanyPortalSignIn;
import io.mdmsim.mdm.http.MdmIdentityVerifier;
import io.mdmsim.mdm.model.DeviceError;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.policy.LicenseGate;
import io.mdmsim.mdm.reference.CompanyPortalService;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sign-in endpoint asks the licence gate (docs/mdm-endpoint.md "Company Portal sign-in") for the user's licence: a refusal is the gate's 403
 * body (io.mdmsim.license.user-unlicensed) and records nothing; a granted licence registers the user and lifts Single
 * App Mode. Real HTTP on 127.0.0.1, with a gate that refuses users whose name starts with "unlicensed".
 */
class CompanyPortalLicenseTest {

    private static final String UDID = "UDID-LICENSE";

    private final ManualClock clock = SimClock.manual(TestPki.T0);
    private final DeviceRegistry registry = new DeviceRegistry();
    private final EventLog events = new EventLog(clock, 1000);
    private final List<String> claims = new CopyOnWriteArrayList<>();
    private final Identity identity = TestPki.PKI.scepCa().issueClientIdentity("CN=" + UDID,
            TestPki.T0.minus(Duration.ofHours(1)), Duration.ofDays(365));
    private HttpServer server;

    @BeforeEach
    void start() {
        LicenseGate gate = (user, udid) -> {
            claims.add(user + " on " + udid);
            return user.startsWith("unlicensed")
                    ? Optional.of(new DeviceError("io.mdmsim.license.user-unlicensed", "no user licence for " + user,
                            "The user " + user + " has no Intune licence.", null))
                    : Optional.empty();
        };
        CompanyPortalService portal = new CompanyPortalService(() -> URI.create("http://127.0.0.1:1"), events,
                new Ids(5));
        CompanyPortalSignIn signIn = new CompanyPortalSignIn(registry,
                new MdmIdentityVerifier(TestPki.PKI.scepCa().certificate(), clock), new IdentityBindings(), portal,
                null, gate, MdmConfig.ErrorBodyFormat.JSON, events, clock);
        Router.Builder routes = Router.builder();
        signIn.addRoutes(routes);
        server = HttpServer.builder().name("signin").router(routes.build()).build().start();
        DeviceRecord d = registry.getOrCreate(UDID);
        d.lock();
        try {
            d.state = EnrollmentState.CONFIGURED;
            d.identityFingerprint = Certificates.sha256Fingerprint(identity.certificate());
            d.portal.singleAppMode = PortalState.SingleAppMode.LOCKED;
        } finally {
            d.unlock();
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anUnlicensedUserIsRefusedWithTheGatesErrorAndNothingIsRecorded() {
        HttpResponse<byte[]> r = signIn("unlicensed@example.com");
        assertEquals(403, r.statusCode(), new String(r.body()));
        JsonNode body = TestServer.json(r);
        assertEquals("io.mdmsim.license.user-unlicensed", body.path("code").asText());
        assertEquals("The user unlicensed@example.com has no Intune licence.", body.path("message").asText());
        assertEquals(List.of("unlicensed@example.com on " + UDID), claims);
        DeviceRecord d = registry.find(UDID).orElseThrow();
        assertNull(d.portal.companyPortalUser);
        assertEquals(PortalState.SingleAppMode.LOCKED, d.portal.singleAppMode, "still locked");
        assertEquals(0, d.commands.pendingCount());
    }

    @Test
    void aLicensedUserIsRegisteredAndSingleAppModeIsLifted() {
        HttpResponse<byte[]> r = signIn("ada@example.com");
        assertEquals(200, r.statusCode(), new String(r.body()));
        assertTrue(TestServer.json(r).path("singleAppModeLifted").asBoolean());
        DeviceRecord d = registry.find(UDID).orElseThrow();
        assertEquals("ada@example.com", d.portal.companyPortalUser);
        assertEquals(PortalState.SingleAppMode.LIFTING, d.portal.singleAppMode);
        assertEquals(1, d.commands.pendingCount(), "RemoveProfile queued");
        assertEquals("RemoveProfile", d.commands.history().getFirst().requestType());
        assertFalse(claims.isEmpty());
    }

    private HttpResponse<byte[]> signIn(String user) {
        byte[] body = ("{\"UDID\":\"" + UDID + "\",\"UserName\":\"" + user + "\"}").getBytes(StandardCharsets.UTF_8);
        return TestDevice.send(HttpRequest.newBuilder(server.baseUri().resolve("/companyportal/signin"))
                .header("Content-Type", "application/json")
                .header("Mdm-Signature", Base64.getEncoder().encodeToString(Cms.signDetached(body, identity)))
                .POST(BodyPublishers.ofByteArray(body)).build());
    }
}
