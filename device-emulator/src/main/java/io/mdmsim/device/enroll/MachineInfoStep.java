package io.mdmsim.device.enroll;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.device.Stage;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceBehaviour;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.model.UserAgent;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.net.MdmClient;
import io.mdmsim.device.runtime.DeviceContext;
import io.mdmsim.device.runtime.Step;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** POST CMS-signed MachineInfo (Apple's "MachineInfo") to ConfigurationURL, get the enrollment profile. */
public final class MachineInfoStep implements Step {
    /** The stage's log, as before it had a class of its own. */
    private static final System.Logger LOG = System.getLogger(EnrollmentSteps.class.getName());
    private static final ObjectMapper JSON = io.mdmsim.device.DeviceJson.MAPPER;

    @Override
    public Stage stage() {
        return Stage.MACHINE_INFO;
    }

    /** Skipped when modern authentication already brought the enrollment profile. */
    @Override
    public boolean applies(DeviceContext ctx) {
        return ctx.device().profileBytes() == null;
    }

    @Override
    public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
        Device d = ctx.device();
        byte[] signed = Cms.signAttached(Plist.toXml(Plist.wrap(machineInfo(d, ctx.config().language()))),
                d.factoryIdentity());
        URI url = d.cloudConfiguration().configurationUrl();
        DeviceHttp.Response r = ctx.http().post(url, EnrollmentSteps.SIGNED_TYPE, signed, UserAgent.with(d, Map.of()));
        if (r.status() == 401) {
            r = signInLegacy(ctx, url, signed, r);
        }
        if (r.status() == 403) {
            throw refused(d, r, Stage.MACHINE_INFO);
        }
        if (!r.ok()) {
            throw StageFailure.failed("enrollment request refused: " + r.describe());
        }
        if (!r.mediaType().equals(EnrollmentSteps.PROFILE_TYPE)) {
            throw StageFailure.failed(r.method() + " " + r.uri() + " answered 200 with Content-Type "
                    + r.contentType() + " (expected: " + EnrollmentSteps.PROFILE_TYPE + ")");
        }
        d.profileBytes(r.body());
    }

    /**
     * Setup Assistant (legacy) authentication (inferred from the DEP flow MDMs implement): the MDM answers
     * MachineInfo with 401, Setup Assistant asks for a user name and password and sends MachineInfo again with
     * HTTP Basic credentials. No second factor is possible here (seeds).
     */
    private static DeviceHttp.Response signInLegacy(DeviceContext ctx, URI url, byte[] signed,
                                                    DeviceHttp.Response challenge)
            throws StageFailure, InterruptedException {
        Device d = ctx.device();
        if (d.sharedIpad()) {
            throw StageFailure.failed("the MDM asks a Shared iPad for a user (" + challenge.describe()
                    + "), but a Shared iPad enrolls without one");
        }
        DeviceBehaviour.SimUser user = d.behaviour().user();
        ctx.dwell(SetupAssistant.TYPE_CREDENTIALS);
        String basic = java.util.Base64.getEncoder().encodeToString((user.userName() + ":" + user.password())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        DeviceHttp.Response r = ctx.http().post(url, EnrollmentSteps.SIGNED_TYPE, signed,
                UserAgent.with(ctx.device(), Map.of("Authorization", "Basic " + basic)));
        if (r.status() == 401) {
            throw StageFailure.failed("the MDM refused the user name and password of " + user.userName()
                    + " (Setup Assistant legacy authentication): " + r.describe());
        }
        if (r.ok()) {
            d.signedIn(Device.Authentication.LEGACY, user.userName());
        }
        return r;
    }

    /** ADM other/machineinfo.yaml, with the keys this device's OS sends. */
    public static Map<String, Object> machineInfo(Device d, String language) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("UDID", d.udid());
        m.put("SERIAL", d.serialNumber());
        m.put("PRODUCT", d.spec().productType());
        m.put("VERSION", d.spec().buildVersion());
        if (d.osAtLeast(17, 0)) {
            m.put("OS_VERSION", d.spec().osVersion());
        }
        if (d.hardware().imei() != null) {
            m.put("IMEI", d.hardware().imei());
        }
        if (d.hardware().meid() != null) {
            m.put("MEID", d.hardware().meid());
        }
        m.put("LANGUAGE", language);
        if (d.osAtLeast(17, 4)) {
            m.put("SOFTWARE_UPDATE_DEVICE_ID", d.spec().productType());
        }
        return m;
    }

    /**
     * A 403 at Remote Management (docs/mdm-endpoint.md "Enrollment policy"): Apple's com.apple.softwareupdate.required keeps its meaning;
     * every other refusal is what Setup Assistant shows as "Invalid Profile" (seeds: a blocked platform "will show
     * as Invalid Profile"), with the MDM's code and message. Reported at {@code stage} (MACHINE_INFO, also for
     * the web view; PROFILE for an over-the-air download).
     */
    public static StageFailure refused(Device d, DeviceHttp.Response r, Stage stage) {
        if (EnrollmentSteps.SOFTWARE_UPDATE_REQUIRED.equals(MdmClient.errorCode(r))) {
            return StageFailure.failed("the MDM refused enrollment: " + refusal(r));
        }
        return StageFailure.failed(invalidProfile(d, r)).at(stage);
    }

    /**
     * "Invalid Profile: The configuration for your iPhone could not be downloaded from HOST: 403 CODE (MESSAGE)";
     * without an error body, the answer's own words after "403".
     */
    static String invalidProfile(Device d, DeviceHttp.Response r) {
        String host = r.uri().getHost();
        String what = r.status() + " ";
        String code = MdmClient.errorCode(r);
        if (code != null) {
            what += code;
            String message = errorMessage(r);
            if (message != null) {
                what += " (" + message + ")";
            }
        } else {
            what += "from " + r.method() + " " + r.uri() + r.bodyForHumans();
        }
        return EnrollmentSteps.INVALID_PROFILE + ": The configuration for your " + d.spec().family()
                + " could not be downloaded"
                + " from " + host + ": " + what;
    }

    /** The "message" of a JSON or plist error body, null if it has none. */
    public static String errorMessage(DeviceHttp.Response r) {
        try {
            if (r.mediaType().contains("json")) {
                JsonNode m = JSON.readTree(r.body()).get("message");
                return m != null && m.isTextual() ? m.asText() : null;
            }
            if (r.mediaType().contains("xml") || r.mediaType().contains("plist")) {
                return Plist.parseDictionary(r.body()).objectForKey("message") instanceof NSString m
                        ? m.getContent() : null;
            }
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "403 body has no readable message: {0}", e.getMessage());
        }
        return null;
    }

    /** "403 com.apple.softwareupdate.required {...details}" from an ADM mdm/errors body, else the raw answer. */
    public static String refusal(DeviceHttp.Response r) {
        try {
            if (r.mediaType().contains("json")) {
                JsonNode body = JSON.readTree(r.body());
                if (body.hasNonNull("code")) {
                    return "403 " + body.get("code").asText()
                            + (body.hasNonNull("details") ? " " + body.get("details") : "")
                            + (body.hasNonNull("message") ? " (" + body.get("message").asText() + ")" : "")
                            + " from " + r.method() + " " + r.uri();
                }
            } else if (r.mediaType().contains("xml") || r.mediaType().contains("plist")) {
                NSDictionary body = Plist.parseDictionary(r.body());
                if (body.objectForKey("code") instanceof NSString code) {
                    NSObject details = body.objectForKey("details");
                    return "403 " + code.getContent() + (details == null ? "" : " " + Plist.unwrap(details))
                            + " from " + r.method() + " " + r.uri();
                }
            }
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "403 body is not an ADM error body: {0}", e.getMessage());
        }
        return r.describe();
    }
}
