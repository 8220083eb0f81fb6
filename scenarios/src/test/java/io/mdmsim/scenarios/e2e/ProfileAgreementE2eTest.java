package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.mdm.management.EnrollmentProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MDM and the fake ABM validate an enrollment profile identically: for profiles drawn from a seed that vary the
 * fields that reach ABM (name, department, support phone, hidden panes, supervising host certificates, locked
 * enrollment and supervision), the MDM's admin API accepts a profile exactly when ABM's DEP API accepts the DEP
 * profile it becomes. Both are the real servers on 127.0.0.1; ABM is called directly through a DEP session of its
 * own, so the MDM's checks cannot hide a disagreement.
 */
class ProfileAgreementE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    private static final List<String> PANES = List.of("Siri", "Location", "AppleID", "Registration", "Welcome",
            "Avatar", "Tone", "UnlockWithWatch", "iCloudKeychain", "siri", "NoSuchPane");

    @Test
    void everyProfileTheMdmAcceptsAbmAcceptsAndViceVersa() throws Exception {
        E2eWorld w = world = worlds.start(new E2eWorld(1));
        String token = w.addToken("agreement", false);
        Dep dep = Dep.open(w, "agreement-probe");
        String hostCert = Base64.getEncoder().encodeToString(w.pki.tlsServer().certificate().getEncoded());
        SplittableRandom random = new SplittableRandom(20260302L);
        int accepted = 0;
        int refused = 0;
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            EnrollmentProfile p = draw(random, i, hostCert);
            HttpResponse<String> mdm = w.mdmJson("POST", "/admin/dep/tokens/" + E2eWorld.enc(token) + "/profiles",
                    json(p));
            assertTrue(mdm.statusCode() == 201 || mdm.statusCode() == 400,
                    () -> "the MDM answered " + mdm.statusCode() + " (502: ABM refused what the MDM accepted): "
                            + mdm.body() + " for " + json(p));
            String enroll = w.mdm.baseUri() + "/mdm/enroll";
            int abm = dep.defineProfile(json(p.toDep(enroll, enroll, null, List.of())));
            boolean mdmAccepts = mdm.statusCode() == 201;
            boolean abmAccepts = abm == 200;
            if (mdmAccepts != abmAccepts) {
                disagreements.add("MDM " + mdm.statusCode() + ", ABM " + abm + ": " + json(p) + " -> "
                        + mdm.body());
            }
            if (mdmAccepts) {
                accepted++;
            } else {
                refused++;
            }
        }
        assertEquals(List.of(), disagreements);
        assertTrue(accepted >= 10 && refused >= 10, "the draw covers both verdicts: " + accepted + " accepted, "
                + refused + " refused");
    }

    private static String json(Object o) {
        return new String(Json.write(o), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A profile valid by the seeds' own rules, with the fields that reach ABM drawn from good and bad values. */
    private static EnrollmentProfile draw(SplittableRandom r, int i, String hostCert) {
        String name = switch (r.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "n".repeat(126);
            default -> "Profile " + i;
        };
        String department = switch (r.nextInt(6)) {
            case 0 -> "";
            case 1 -> "d".repeat(126);
            case 2, 3 -> null;
            default -> "IT";
        };
        String phone = switch (r.nextInt(6)) {
            case 0 -> "";
            case 1 -> "5".repeat(51);
            case 2, 3 -> null;
            default -> "+1 555 0100";
        };
        List<String> panes = new ArrayList<>();
        int n = r.nextInt(3);
        for (int k = 0; k < n; k++) {
            // mostly Apple's keys, sometimes one that is not
            panes.add(r.nextInt(3) == 0 ? PANES.get(5 + r.nextInt(PANES.size() - 5)) : PANES.get(r.nextInt(5)));
        }
        List<String> hostCerts = switch (r.nextInt(5)) {
            case 0 -> List.of("not base64 at all");
            case 1 -> List.of(hostCert);
            default -> null;
        };
        Boolean locked = r.nextInt(4) == 0 ? Boolean.TRUE : null;
        Boolean supervised = r.nextInt(4) == 0 ? Boolean.FALSE : null;
        if (Boolean.TRUE.equals(locked) && Boolean.FALSE.equals(supervised)) {
            supervised = null; // the seeds refuse that pair themselves; ABM's flag rule is covered by its own tests
        }
        return new EnrollmentProfile(name, null, EnrollmentProfile.UserAffinity.WITH_USER, null, null, null, null,
                supervised, locked, null, null, null, null, null, null,
                hostCerts == null ? null : EnrollmentProfile.SyncWithComputers.APPLE_CONFIGURATOR_BY_CERTIFICATE,
                hostCerts, null, null, null, department, phone, panes.isEmpty() ? null : panes, null, null, null, null, null);
    }

    /** A DEP session of an MDM server of its own on the world's fake ABM, the way Apple's API is used. */
    private record Dep(E2eWorld w, ServerToken token, String[] session) {

        static Dep open(E2eWorld w, String server) throws Exception {
            Identity id = w.pki.tlsServer();
            w.abmAdmin.postJson("/admin/mdm-servers", Map.of("name", server, "certificatePem",
                    Pem.encode(id.certificate())));
            byte[] p7m = w.abmAdmin.postForBytes("/admin/mdm-servers/" + E2eWorld.enc(server) + "/token");
            Dep dep = new Dep(w, ServerToken.fromP7m(p7m, id.certificate(), id.privateKey()), new String[1]);
            URI uri = w.abm.baseUri().resolve("/session");
            String header = OAuth1.authorizationHeader("GET", uri, dep.token, OAuth1.nonce(new SplittableRandom(7)),
                    w.time.now().getEpochSecond());
            HttpResponse<String> r = w.http.send(HttpRequest.newBuilder(uri).header("Authorization", header).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = E2eWorld.JSON.readTree(r.body());
            dep.session[0] = body.path("auth_session_token").asText();
            return dep;
        }

        /** {@code POST /profile}: ABM's status. */
        int defineProfile(String json) throws Exception {
            HttpResponse<String> r = w.http.send(HttpRequest.newBuilder(w.abm.baseUri().resolve("/profile"))
                    .header("X-ADM-Auth-Session", session[0]).header("X-Server-Protocol-Version", "3")
                    .header("Content-Type", "application/json;charset=UTF8")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() == 200 || r.statusCode() == 400, () -> "ABM answered " + r.statusCode() + ": "
                    + r.body());
            return r.statusCode();
        }
    }
}
