package io.mdmsim.device.enroll;

import com.dd.plist.NSDictionary;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stages of automated device enrollment, docs/devices.md, each a {@link Step}.
 *
 * <p>The MachineInfo stage, with the refusals it reads, is {@link MachineInfoStep}; the web view, the over-the-air
 * enrollment and Setup Assistant are apart ({@link WebView}, {@link OtaEnrollment}, {@link SetupAssistant}).
 */
public final class EnrollmentSteps {

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
        return List.of(new MachineInfoStep(), new Profile(), new ScepEnrollment(), new AuthenticateStep(),
                new TokenUpdateStep(), new AwaitConfiguration());
    }

    /** POST the signed device facts to Apple, get the cloud configuration record (docs/fake-abm.md). */
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

    /** Profile: read the enrollment profile; iOS refuses a bad one with "Invalid Profile". */
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

    /** SCEP (RFC 8894): obtain the MDM identity. */
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
            EnrollmentProfile.MdmPayload mdm = d.profile().mdm();
            DeviceHttp http = ctx.http();
            if (!mdm.signMessage() && "https".equalsIgnoreCase(mdm.serverUrl().getScheme())) {
                // without Mdm-Signature the MDM knows the device by its TLS client certificate: its own connection
                http = http.presenting(ctx.fleet().tls().open(identity));
            }
            ctx.mdm(new MdmClient(http, mdm, d::mdmIdentity));
        }

        /** "Download the management profile again": web view or MachineInfo, then read it. */
        private static void downloadProfileAgain(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            d.forgetEnrollment();
            if (SetupAssistant.usesWebView(d)) {
                d.profileBytes(WebView.enroll(ctx, d.cloudConfiguration().configurationWebUrl()));
            } else {
                new MachineInfoStep().run(ctx);
            }
            new Profile().run(ctx);
        }
    }

    /** Authenticate (ADM mdm/checkin/authenticate.yaml; DeviceName/Model/ModelName are macOS only). */
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
     * TokenUpdate (ADM mdm/checkin/tokenupdate.yaml); enrollment is complete after it. With a fake APNs
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
                    token = push.register(d.udid(), mdm.topic(), d.factoryIdentity());
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
     * While awaiting configuration, connect to ServerURL and answer commands until DeviceConfigured. After a
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
