package io.mdmsim.device.enroll;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.Stage;
import io.mdmsim.device.managed.CommandSession;
import io.mdmsim.device.managed.ManagedLife;
import io.mdmsim.device.model.CloudConfiguration;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceBehaviour;
import io.mdmsim.device.model.EnrollmentProfile;
import io.mdmsim.device.model.PlistFields;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.model.UserAgent;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.net.MdmClient;
import io.mdmsim.device.net.PushChannel;
import io.mdmsim.device.net.ScepClient;
import io.mdmsim.device.net.Wakeup;
import io.mdmsim.device.runtime.DeviceContext;
import io.mdmsim.device.runtime.Step;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stages of automated device enrollment, docs/devices.md, each a {@link Step}. */
public final class EnrollmentSteps {

    private static final System.Logger LOG = System.getLogger(EnrollmentSteps.class.getName());
    static final String SIGNED_TYPE = "application/pkcs7-signature";
    public static final String PROFILE_TYPE = "application/x-apple-aspen-config";
    /** Apple's 403 code that makes the device update its OS (ADM mdm/errors/softwareupdate.required.yaml). */
    static final String SOFTWARE_UPDATE_REQUIRED = "com.apple.softwareupdate.required";
    /** What Setup Assistant shows for a refused or unreadable enrollment profile. */
    static final String INVALID_PROFILE = "Invalid Profile";

    private EnrollmentSteps() {
    }

    /** Every stage from power-on to Company Portal, in order: Setup Assistant around the enrollment stages. */
    public static List<Step> all() {
        List<Step> steps = new ArrayList<>(SetupAssistant.beforeCloudConfig());
        steps.add(new CloudConfig());
        steps.addAll(SetupAssistant.beforeEnrollment());
        steps.addAll(enrollment());
        steps.addAll(SetupAssistant.afterEnrollment());
        return List.copyOf(steps);
    }

    /** MACHINE_INFO through AWAITING_CONFIGURATION, in order. */
    public static List<Step> enrollment() {
        return List.of(new MachineInfo(), new Profile(), new ScepEnrollment(), new AuthenticateStep(),
                new TokenUpdateStep(), new AwaitConfiguration());
    }

    /** Section 2: POST the signed device facts to Apple, get the cloud configuration record. */
    static final class CloudConfig implements Step {
        @Override
        public Stage stage() {
            return Stage.CLOUD_CONFIG;
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("SerialNumber", d.serialNumber());
            facts.put("UDID", d.udid());
            facts.put("ProductType", d.spec().productType());
            facts.put("OSVersion", d.spec().osVersion());
            facts.put("BuildVersion", d.spec().buildVersion());
            byte[] signed = Cms.signAttached(Plist.toXml(Plist.wrap(facts)), d.factoryIdentity());
            DeviceHttp.Response r = ctx.http().post(ctx.config().cloudConfigUrl(), SIGNED_TYPE, signed, UserAgent.with(d, Map.of()));
            if (r.status() == 404) {
                throw StageFailure.notAssigned("Apple has no enrollment profile for serial " + d.serialNumber()
                        + " (" + r.describe() + ")");
            }
            if (!r.ok()) {
                throw StageFailure.failed("cloud configuration request refused: " + r.describe());
            }
            NSDictionary record;
            try {
                record = Plist.parseDictionary(unwrapSigned(r.body(), "cloud configuration signature"));
            } catch (PlistException e) {
                throw StageFailure.failed("cloud configuration is not a plist dictionary: " + e.getMessage());
            }
            CloudConfiguration cc;
            try {
                cc = CloudConfiguration.parse(record);
            } catch (PlistFields.FieldException e) {
                throw StageFailure.failed(e.getMessage());
            }
            d.cloudConfiguration(cc);
            if (cc.configurationUrl() == null && cc.configurationWebUrl() == null) {
                throw StageFailure.notAssigned("the cloud configuration for serial " + d.serialNumber()
                        + " has no ConfigurationURL: the device is not set up for automated enrollment");
            }
            if (cc.configurationUrl() == null && !d.osAtLeast("13.0")) {
                throw StageFailure.failed("the cloud configuration has only a ConfigurationWebURL ("
                        + cc.configurationWebUrl() + "): modern authentication needs iOS 13, and iOS "
                        + d.spec().osVersion() + " falls back to Setup Assistant (legacy) authentication, which needs"
                        + " a ConfigurationURL");
            }
            if (cc.isMultiUser() && !d.sharedIpad()) {
                throw StageFailure.needsWipe("A device wipe is required: the enrollment profile has Shared iPad"
                        + " enabled, which " + d.spec().productType() + " on " + d.spec().osVersion()
                        + " does not support (Shared iPad needs an iPad with iPadOS 13.4 or later; iPhones never)",
                        false);
            }
        }
    }

    /** Section 3: POST CMS-signed MachineInfo to ConfigurationURL, get the enrollment profile. */
    public static final class MachineInfo implements Step {
        private static final ObjectMapper JSON = io.mdmsim.core.http.Json.plainMapper();

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
            DeviceHttp.Response r = ctx.http().post(url, SIGNED_TYPE, signed, UserAgent.with(d, Map.of()));
            if (r.status() == 401) {
                r = signInLegacy(ctx, url, signed, r);
            }
            if (r.status() == 403) {
                throw refused(d, r, Stage.MACHINE_INFO);
            }
            if (!r.ok()) {
                throw StageFailure.failed("enrollment request refused: " + r.describe());
            }
            if (!r.mediaType().equals(PROFILE_TYPE)) {
                throw StageFailure.failed(r.method() + " " + r.uri() + " answered 200 with Content-Type "
                        + r.contentType() + " (expected: " + PROFILE_TYPE + ")");
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
            DeviceHttp.Response r = ctx.http().post(url, SIGNED_TYPE, signed,
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
            if (SOFTWARE_UPDATE_REQUIRED.equals(MdmClient.errorCode(r))) {
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
            return INVALID_PROFILE + ": The configuration for your " + d.spec().family() + " could not be downloaded"
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

    /** Section 4: read the enrollment profile; iOS refuses a bad one with "Invalid Profile". */
    static final class Profile implements Step {
        @Override
        public Stage stage() {
            return Stage.PROFILE;
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure {
            Device d = ctx.device();
            NSDictionary top;
            try {
                top = Plist.parseDictionary(unwrapSigned(d.profileBytes(), "enrollment profile signature"));
            } catch (PlistException e) {
                throw StageFailure.failed(EnrollmentProfile.INVALID + ": not a property list (" + e.getMessage() + ")");
            } catch (StageFailure f) {
                throw StageFailure.failed(EnrollmentProfile.INVALID + ": " + f.reason());
            }
            try {
                d.profile(EnrollmentProfile.parse(top));
            } catch (EnrollmentProfile.InvalidProfileException e) {
                throw StageFailure.failed(e.getMessage());
            }
        }
    }

    /** Section 5: obtain the MDM identity. */
    static final class ScepEnrollment implements Step {
        @Override
        public Stage stage() {
            return Stage.SCEP;
        }

        /**
         * The seeds' user who waits before SCEP (first pass only: a user who had to start over does not wait again),
         * then SCEP. On "The SCEP server returned an invalid response" a retrying user downloads the management profile
         * again after {@code scepRetryAfter}: within 15 minutes of the error that works, later the device needs a
         * factory reset (seeds).
         */
        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            DeviceBehaviour b = d.behaviour();
            if (b.delaysScep() && d.pass() == 1 && !b.knobs().scepDelay().isZero()) {
                ctx.userWait(b.knobs().scepDelay());
            }
            try {
                enroll(ctx);
            } catch (StageFailure f) {
                // over the air (no cloud configuration) there is no Setup Assistant download to repeat
                if (!f.reason().startsWith(ScepClient.INVALID_RESPONSE) || !b.retriesScep()
                        || d.cloudConfiguration() == null) {
                    throw f;
                }
                DeviceRef ref = d.ref();
                try {
                    ctx.config().listener().errorShown(ref, Stage.SCEP, f.reason());
                } catch (RuntimeException listenerFailure) {
                    // a listener's failure is not the device's
                }
                java.time.Duration after = b.knobs().scepRetryAfter();
                ctx.userWait(after);
                if (after.compareTo(io.mdmsim.device.Behaviour.SCEP_RETRY_WINDOW) > 0) {
                    throw StageFailure.needsWipe(f.reason() + "; the user downloaded the management profile again "
                            + after.toMinutes() + " minutes later, more than 15 minutes after the error: the device"
                            + " needs a factory reset", true);
                }
                downloadProfileAgain(ctx);
                enroll(ctx);
            }
        }

        private static void enroll(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            EnrollmentProfile.ScepPayload scep = d.profile().scep();
            ScepClient client = new ScepClient(ctx.http(), ctx.clock(), ctx.random());
            Identity identity = client.enroll(scep, ctx.config().keySource().rsa(scep.keysize()), "CN=" + d.udid());
            d.mdmIdentity(identity);
            ctx.mdm(new MdmClient(ctx.http(), d.profile().mdm(), identity));
        }

        /** "Download the management profile again": web view or MachineInfo, then read it. */
        private static void downloadProfileAgain(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            d.forgetEnrollment();
            if (SetupAssistant.usesWebView(d)) {
                d.profileBytes(WebView.enroll(ctx, d.cloudConfiguration().configurationWebUrl()));
            } else {
                new MachineInfo().run(ctx);
            }
            new Profile().run(ctx);
        }
    }

    /** Section 6: Authenticate (ADM mdm/checkin/authenticate.yaml; DeviceName/Model/ModelName are macOS only). */
    static final class AuthenticateStep implements Step {
        @Override
        public Stage stage() {
            return Stage.AUTHENTICATE;
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            ctx.mdm().checkin(Authenticate.forDevice(d.profile().mdm().topic(), d.udid(), d.serialNumber(),
                    d.spec().productType(), d.spec().osVersion(), d.spec().buildVersion(), d.hardware().imei(),
                    d.hardware().meid()));
        }
    }

    /**
     * Section 6: TokenUpdate (ADM mdm/checkin/tokenupdate.yaml); enrollment is complete after it. With a fake APNs
     * (docs/fake-abm.md "Fake APNs") the token comes from it and the device goes online on the fleet's push stream once the MDM
     * has the token; without one the token is random.
     */
    static final class TokenUpdateStep implements Step {
        @Override
        public Stage stage() {
            return Stage.TOKEN_UPDATE;
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            EnrollmentProfile.MdmPayload mdm = d.profile().mdm();
            PushChannel push = ctx.push();
            byte[] token;
            if (push == null) {
                token = ctx.randomBytes(32);
            } else {
                try {
                    token = push.register(d.udid(), mdm.topic());
                } catch (PushChannel.PushException e) {
                    throw StageFailure.failed("cannot get a push token from APNs (MCMDMErrorDomain 12015): "
                            + e.getMessage(), e);
                }
            }
            String magic = ctx.randomUuid();
            byte[] unlock = (mdm.accessRights() & 4) != 0 ? ctx.randomBytes(64) : null;
            d.pushCredentials(token, magic, unlock);
            // Shared iPad: await configuration does not apply to the device channel (seeds)
            boolean awaiting = d.cloudConfiguration() != null
                    && d.cloudConfiguration().awaitsConfiguration(d.spec().osMajor()) && !d.sharedIpad();
            d.awaitingConfiguration(awaiting);
            ctx.mdm().checkin(new TokenUpdate(mdm.topic(), d.udid(), null, token, magic, unlock, awaiting, null, null,
                    null, null));
            d.enrolled(ctx.clock().now());
            d.firstSessionDone(false);
            if (push != null) {
                try {
                    push.online(token, ctx.wakeup());
                } catch (PushChannel.PushException e) {
                    throw StageFailure.failed("cannot hold the APNs push channel: " + e.getMessage(), e);
                }
                ctx.trace().event("online", Map.of("apns", push.base().toString()));
            }
        }
    }

    /**
     * Section 9: while awaiting configuration, connect to ServerURL and answer commands until DeviceConfigured. After a
     * session that ends with a zero-length reply the device connects again when pushed or after
     * {@code idlePollInterval} (simulated), giving up after {@code maxIdlePolls} empty sessions in a row.
     */
    static final class AwaitConfiguration implements Step {
        @Override
        public Stage stage() {
            return Stage.AWAITING_CONFIGURATION;
        }

        @Override
        public boolean applies(DeviceContext ctx) {
            return ctx.device().awaitingConfiguration();
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            int emptyInARow = 0;
            while (true) {
                CommandSession.Result session = CommandSession.run(ctx);
                d.firstSessionDone(true);
                if (session.end() == CommandSession.End.ERASED) {
                    return; // the runner erases the device and starts Setup Assistant over
                }
                if (session.end() == CommandSession.End.UNENROLLED) {
                    d.awaitingConfiguration(false); // retired while awaiting: Setup Assistant goes on unmanaged
                    return;
                }
                if (!d.awaitingConfiguration()) {
                    return;
                }
                // the empty reply that ended a session with commands is the first of a new run of empty ones
                emptyInARow = session.commands() > 0 ? 1 : emptyInARow + 1;
                if (session.end() == CommandSession.End.RESTARTED) {
                    emptyInARow = 0;
                    continue; // back from a restart: connect again at once
                }
                if (emptyInARow >= ctx.config().maxIdlePolls()) {
                    throw StageFailure.failed("still awaiting configuration after " + emptyInARow
                            + " polls of " + d.profile().mdm().serverUrl() + " every "
                            + ctx.config().idlePollInterval() + " that got no command: the MDM never sent"
                            + " DeviceConfigured (" + d.commandCount() + " commands answered)");
                }
                waitForPushOrPoll(ctx);
            }
        }

        /** Until a push with the device's PushMagic arrives or the poll interval passed. */
        private static void waitForPushOrPoll(DeviceContext ctx) throws InterruptedException {
            java.time.Instant until = ctx.clock().now().plus(ctx.config().idlePollInterval());
            while (true) {
                java.time.Duration left = java.time.Duration.between(ctx.clock().now(), until);
                Wakeup.Push push = ctx.wakeup().await(ctx.clock(), left);
                if (push == null || ManagedLife.accept(ctx, push)) {
                    return;
                }
            }
        }

        /** Executes one command plist and reports the result; see {@link CommandSession#answer}. */
        static byte[] answer(DeviceContext ctx, byte[] commandPlist) throws StageFailure, InterruptedException {
            return CommandSession.answer(ctx, commandPlist);
        }
    }

    /** A DER CMS SignedData (starts with a SEQUENCE) is verified and unwrapped; anything else is returned as is. */
    static byte[] unwrapSigned(byte[] body, String label) throws StageFailure {
        if (body.length == 0 || body[0] != 0x30) {
            return body;
        }
        try {
            return Cms.verifyAttached(body, label).content();
        } catch (RuntimeException e) {
            throw StageFailure.failed(label + " does not verify: " + e.getMessage());
        }
    }
}
