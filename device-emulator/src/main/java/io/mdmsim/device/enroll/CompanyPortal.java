package io.mdmsim.device.enroll;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.device.managed.ManagedLife;
import io.mdmsim.device.model.CompanyPortalApp;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceBehaviour;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.PlistFields;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.net.MdmClient;
import io.mdmsim.device.runtime.DeviceContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Company Portal app on a virtual device (docs/mdm-endpoint.md "Company Portal and Single App Mode"): installed by the MDM with InstallApplication (App
 * Store ID 719171358, bundle com.microsoft.CompanyPortal) as a managed app; when its managed app configuration has a
 * ServiceURL, the user's sign-in registers the device there with a JSON POST signed like a check-in (Mdm-Signature by
 * the device's MDM identity).
 */
public final class CompanyPortal {

    static final String USER_UNLICENSED = "io.mdmsim.license.user-unlicensed";
    private static final ObjectMapper JSON = io.mdmsim.device.DeviceJson.MAPPER;

    private CompanyPortal() {
    }

    /** The seeds' limitation, as the device's failure reason. */
    static String mfaLocked(String user) {
        return "Company Portal sign-in of " + user + " needs a second factor, but the device is locked in Single App"
                + " Mode to Company Portal: multifactor authentication isn't supported on a single device locked in"
                + " Single App Mode, because the device can't switch to a different app to complete the second factor"
                + " (the second factor must be on a different device; see secondFactorElsewhereShare)";
    }

    /** The managed Company Portal app, null if the MDM did not install it. */
    public static ManagedState.App app(Device d) {
        ManagedState.App a = d.managed().app(CompanyPortalApp.BUNDLE_ID);
        return a != null && a.managed() ? a : null;
    }

    /** If the MDM's Company Portal is still downloading, the user waits for it (SimClock). */
    static void waitUntilInstalled(DeviceContext ctx) throws InterruptedException {
        ManagedState.App a = app(ctx.device());
        Instant now = ctx.clock().now();
        if (a != null && a.installing(now)) {
            ctx.clock().sleep(Duration.between(now, a.readyAt()));
        }
    }

    /** The ServiceURL of Company Portal's managed app configuration, null without one. */
    public static URI serviceUrl(ManagedState.App app) throws StageFailure {
        NSDictionary config = app == null ? null : app.configuration();
        if (config == null || config.objectForKey(CompanyPortalApp.SERVICE_URL) == null) {
            return null;
        }
        if (!(config.objectForKey(CompanyPortalApp.SERVICE_URL) instanceof NSString s)) {
            throw StageFailure.failed("Company Portal's configuration " + CompanyPortalApp.SERVICE_URL + " is "
                    + PlistFields.typeName(config.objectForKey(CompanyPortalApp.SERVICE_URL)) + " (expected: a URL string)");
        }
        try {
            URI u = new URI(s.getContent());
            if (u.getHost() == null || !("http".equalsIgnoreCase(u.getScheme())
                    || "https".equalsIgnoreCase(u.getScheme()))) {
                throw new URISyntaxException(s.getContent(), "not an absolute http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw StageFailure.failed("Company Portal's configuration " + CompanyPortalApp.SERVICE_URL + " is " + s.getContent()
                    + " (expected: an absolute http(s) URL; " + e.getReason() + ")");
        }
    }

    /**
     * The sign-in's registration: POST {UDID, UserName} to ServiceURL. 200 registers the device; when it says
     * singleAppModeLifted the MDM has queued the RemoveProfile that unlocks the device, which the device fetches at
     * once (the MDM's push). A 403 (user-unlicensed) or any other refusal fails the stage with the MDM's words.
     */
    static void signIn(DeviceContext ctx, DeviceBehaviour.SimUser user) throws StageFailure, InterruptedException {
        Device d = ctx.device();
        URI service = serviceUrl(app(d));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("user", user.userName());
        event.put("singleAppMode", d.singleAppMode() != null);
        if (service == null || d.mdmIdentity() == null || !d.enrolledNow()) {
            event.put("registered", false);
            event.put("why", service == null ? "no ServiceURL (App Store Company Portal or not installed by the MDM)"
                    : "the device is not enrolled");
            ctx.trace().event("company-portal-signin", event);
            return;
        }
        ObjectNode json = JSON.createObjectNode().put("UDID", d.udid()).put("UserName", user.userName());
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        Map<String, String> headers = Map.of("Mdm-Signature",
                Base64.getEncoder().encodeToString(Cms.signDetached(body, d.mdmIdentity())));
        DeviceHttp.Response r = ctx.http().post(service, "application/json", body, headers);
        if (r.status() == 403) {
            String code = MdmClient.errorCode(r);
            String message = MachineInfoStep.errorMessage(r);
            throw StageFailure.failed("Company Portal sign-in of " + user.userName() + " refused: 403 "
                    + (code == null ? r.describe() : code + (message == null ? "" : " (" + message + ")")));
        }
        if (!r.ok()) {
            throw StageFailure.failed("Company Portal sign-in of " + user.userName() + " failed: " + r.describe());
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(r.body());
        } catch (IOException e) {
            throw StageFailure.failed("Company Portal sign-in: " + r.describe() + " is not JSON (expected:"
                    + " {\"registered\": true, \"singleAppModeLifted\": bool})");
        }
        if (answer == null || !answer.path("registered").asBoolean(false)) {
            throw StageFailure.failed("Company Portal sign-in of " + user.userName() + " was not registered: "
                    + r.describe());
        }
        boolean lifted = answer.path("singleAppModeLifted").asBoolean(false);
        event.put("registered", true);
        event.put("serviceUrl", service.toString());
        event.put("singleAppModeLifted", lifted);
        ctx.trace().event("company-portal-signin", event);
        if (lifted && d.singleAppMode() != null && ctx.hasMdm()) {
            ManagedLife.session(ctx, "company-portal");
        }
    }
}
