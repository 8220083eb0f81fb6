package io.mdmsim.mdm.reference;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.DeviceRecord.SetupFlow;
import io.mdmsim.mdm.device.EnrollmentState;
import io.mdmsim.mdm.management.ConfigurationProfiles;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.model.PlistJson;
import io.mdmsim.mdm.queue.CommandQueue;
import io.mdmsim.mdm.queue.CommandState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The await-configuration flow and what completed commands change on the device record (Apple's "Token Update",
 * AwaitingConfiguration): TokenUpdate with AwaitingConfiguration queues DeviceInformation; once that completes, the
 * critical apps and policies of the enrolled-with profile where the locked experience is supported ({@link
 * AwaitSupport}), then DeviceConfigured; its acknowledgement makes the device CONFIGURED. Also the device name
 * template (applied at enrollment and at each check-in). Every method runs under the device's lock.
 */
final class AwaitConfigurationFlow {

    private static final System.Logger LOG = System.getLogger(AwaitConfigurationFlow.class.getName());
    private static final String DEVICE_INFORMATION = "DeviceInformation";
    private static final String DEVICE_CONFIGURED = "DeviceConfigured";

    private final Ids ids;
    private final Supplier<CompanyPortalService> portal;
    private final Function<DeviceRecord, EnrollmentProfile> liveProfile;

    /**
     * @param portal      Company Portal and Single App Mode, or null (read at each use: it is set after start)
     * @param liveProfile the live profile of a device's serial (only its name template is read live)
     */
    AwaitConfigurationFlow(Ids ids, Supplier<CompanyPortalService> portal,
            Function<DeviceRecord, EnrollmentProfile> liveProfile) {
        this.ids = requireNonNull(ids, "ids");
        this.portal = requireNonNull(portal, "portal");
        this.liveProfile = requireNonNull(liveProfile, "liveProfile");
    }

    /** A TokenUpdate with AwaitingConfiguration: the setup DeviceInformation, once. */
    void awaiting(DeviceRecord d, Instant now) {
        if (d.setupFlow == SetupFlow.NONE) {
            String uuid = ids.uuid();
            enqueue(d, Commands.deviceInformation(uuid, ReferenceMdmService.SETUP_QUERIES), now);
            d.setupFlow = SetupFlow.INFORMATION_QUEUED;
            d.setupCommandUuid = uuid;
        }
    }

    /**
     * The device name template (seeds: applied at enrollment and at each check-in, the one setting that changes
     * without a factory reset): queues Settings DeviceName when the device's name differs from the template's.
     */
    void applyNameTemplate(DeviceRecord d, Instant now) {
        EnrollmentProfile p = liveProfile.apply(d);
        String type = d.productName == null ? null : d.productName.replaceAll("[0-9,]+$", "");
        String name = p == null ? null : p.deviceName(type, d.serialNumber);
        if (name == null || name.equals(d.deviceName) || name.equals(d.nameRefused) || d.nameCommandUuid != null) {
            return;
        }
        String uuid = ids.uuid();
        enqueue(d, Commands.settings(uuid, List.of(Commands.Setting.deviceName(name))), now);
        d.templateName = name;
        d.nameCommandUuid = uuid;
    }

    /** A command reached its terminal state: what its answer changes on the record, and the flow's next step. */
    void completed(DeviceRecord d, CommandQueue.Entry e, CommandResult result, Instant now) {
        boolean acknowledged = e.state() == CommandState.ACKNOWLEDGED;
        CompanyPortalService portal = this.portal.get();
        if (portal != null) {
            portal.completed(d, e, result, now); // portal: Company Portal, Single App Mode
        }
        if (DEVICE_INFORMATION.equals(e.requestType()) && acknowledged) {
            NSObject qr = result.body() == null ? null : result.body().get("QueryResponses");
            if (qr instanceof NSDictionary answers) {
                answers.forEach((k, v) -> d.queryResponses.put(k, PlistJson.toJson(v)));
                d.deviceName = stringOr(answers, "DeviceName", d.deviceName);
                d.osVersion = stringOr(answers, "OSVersion", d.osVersion);
                d.buildVersion = stringOr(answers, "BuildVersion", d.buildVersion);
                d.productName = stringOr(answers, "ProductName", d.productName);
                d.serialNumber = stringOr(answers, "SerialNumber", d.serialNumber);
                d.modelName = stringOr(answers, "ModelName", d.modelName);
                d.model = stringOr(answers, "Model", d.model);
            }
        }
        if (d.setupFlow == SetupFlow.INFORMATION_QUEUED && e.commandUuid().equals(d.setupCommandUuid)) {
            if (!acknowledged) {
                LOG.log(WARNING, "{0} answered the setup DeviceInformation with {1}; sending DeviceConfigured anyway",
                        d.id, e.state());
            }
            applyNameTemplate(d, now);
            informationAnswered(d, portal, now);
        } else if (d.setupFlow == SetupFlow.CRITICAL_QUEUED && d.pendingCritical.containsKey(e.commandUuid())) {
            if (acknowledged) {
                d.pendingCritical.remove(e.commandUuid());
                if (d.pendingCritical.isEmpty()) {
                    queueConfigured(d, now);
                }
            } else {
                LOG.log(WARNING, "{0} answered critical {1} with {2}; it stays at Awaiting final configuration",
                        d.id, d.pendingCritical.get(e.commandUuid()), e.state());
            }
        }
        if (e.commandUuid().equals(d.nameCommandUuid)) {
            if (acknowledged) {
                d.deviceName = d.templateName;
            } else {
                d.nameRefused = d.templateName;
            }
            d.nameCommandUuid = null;
        }
        if (DEVICE_CONFIGURED.equals(e.requestType())) {
            if (acknowledged) {
                d.state = EnrollmentState.CONFIGURED;
                d.configuredAt = now;
                d.awaitingConfiguration = false;
                d.setupFlow = SetupFlow.DONE;
                LOG.log(DEBUG, "{0} configured", d.id);
                if (portal != null) {
                    portal.criticalApps().configured(d, now); // portal: critical apps of iOS < 16 follow DeviceConfigured
                }
            } else {
                LOG.log(WARNING, "{0} answered DeviceConfigured with {1}; it stays awaiting configuration", d.id,
                        e.state());
            }
        }
    }

    /** The setup DeviceInformation is answered: critical items, then (or at once) DeviceConfigured. */
    private void informationAnswered(DeviceRecord d, CompanyPortalService portal, Instant now) {
        EnrollmentProfile p = DeviceLifecycle.snapshot(d);
        // outside the seeds' supported cases the device is not held: critical items follow DeviceConfigured
        String unsupported = AwaitSupport.unsupported(p, d.osVersion);
        List<Command> afterConfigured = new ArrayList<>();
        if (p != null) {
            List<String> apps = p.criticalApps() == null ? List.of() : p.criticalApps();
            if (portal != null && unsupported == null) { // portal: iOS < 16 installs no app before DeviceConfigured
                apps = portal.criticalApps().toHold(d, p, apps);
            }
            for (String app : apps) {
                String uuid = ids.uuid();
                critical(d, CriticalApps.criticalApp(uuid, app), "app " + app, unsupported,
                        afterConfigured, now);
            }
            for (String policy : p.criticalPolicies() == null ? List.<String>of() : p.criticalPolicies()) {
                String uuid = ids.uuid();
                critical(d, Commands.installProfile(uuid, policyProfile(policy, uuid, ids.uuid())),
                        "policy " + policy, unsupported, afterConfigured, now);
            }
        }
        if (portal != null) {
            portal.setupAdditions(d, p, now); // portal: Company Portal, Single App Mode
            portal.notHeld(d, unsupported);
        }
        if (d.pendingCritical.isEmpty()) {
            queueConfigured(d, now);
            afterConfigured.forEach(c -> enqueue(d, c, now));
        } else {
            d.setupFlow = SetupFlow.CRITICAL_QUEUED;
        }
    }

    /** A critical policy or app: holds DeviceConfigured where the locked experience is supported, else follows it. */
    private static void critical(DeviceRecord d, Command c, String what, String unsupported, List<Command> after,
            Instant now) {
        if (unsupported != null) {
            after.add(c);
        } else {
            enqueue(d, c, now);
            d.pendingCritical.put(c.commandUuid(), what);
        }
    }

    private void queueConfigured(DeviceRecord d, Instant now) {
        String uuid = ids.uuid();
        enqueue(d, Commands.deviceConfigured(uuid), now);
        d.setupFlow = SetupFlow.CONFIGURED_QUEUED;
        d.setupCommandUuid = uuid;
    }

    /**
     * A configuration profile standing for a critical policy of the enrollment profile. Devices refuse a profile
     * without payloads (MCProfileErrorDomain 1005), so it holds one harmless restriction (ADM
     * com.apple.applicationaccess.yaml: forceEncryptedBackup, iOS 4+, no supervision needed).
     */
    static byte[] policyProfile(String policy, String uuid, String payloadUuid) {
        String identifier = "io.mdmsim.policy." + policy.replaceAll("[^A-Za-z0-9.-]", "-");
        Map<String, Object> restriction = ConfigurationProfiles.payload(
                "com.apple.applicationaccess", identifier + ".restrictions", payloadUuid, policy + " (restrictions)");
        restriction.put("forceEncryptedBackup", true);
        return ConfigurationProfiles.xml(identifier, uuid, policy, List.of(restriction));
    }

    /** Queues a command for the device (its lock held). */
    static void enqueue(DeviceRecord d, Command c, Instant now) {
        d.commands.enqueue(c.commandUuid(), c.requestType(), c.toXml(), now);
    }

    private static String stringOr(NSDictionary d, String key, String fallback) {
        NSObject v = d.get(key);
        return v instanceof com.dd.plist.NSString s ? s.getContent() : fallback;
    }
}
