package io.mdmsim.mdm.reference;

import static java.lang.System.Logger.Level.INFO;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.PortalState;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.model.Ids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Critical apps under await final configuration (docs/mdm-endpoint.md "Company Portal and Single App Mode"): they are
 * sent as device-licensed VPP apps (PurchaseMethod 1), which iOS 16 and later install while awaiting configuration;
 * iOS before 16 answers NotNow to every app then, so they are queued after DeviceConfigured instead of holding it
 * (ADM application.install.yaml). Every method runs under the lock of the device's record.
 */
final class CriticalApps {

    private static final System.Logger LOG = System.getLogger(CriticalApps.class.getName());
    /** From iOS 16, devices awaiting configuration install device-licensed VPP apps (application.install.yaml). */
    static final String VPP_DURING_SETUP_MIN_OS = "16.0";

    private final EventLog events;
    private final Ids ids;

    CriticalApps(EventLog events, Ids ids) {
        this.events = requireNonNull(events, "events");
        this.ids = requireNonNull(ids, "ids");
    }

    /** A critical app: a device-licensed VPP app (Options PurchaseMethod 1), which iOS 16+ installs during setup. */
    static Command criticalApp(String uuid, String bundleId) {
        return Commands.installApplication(uuid, Commands.AppInstall.bundle(bundleId).withPurchaseMethod(1));
    }

    /**
     * Whether critical apps may hold DeviceConfigured on this device: iOS 16 and later install device-licensed VPP
     * apps while awaiting configuration; earlier versions answer NotNow to every app until Setup Assistant ends. An
     * unknown OS version holds (as before).
     */
    static boolean appsHoldConfigured(DeviceRecord d) {
        return d.osVersion == null || CompanyPortalService.atLeast(d.osVersion, VPP_DURING_SETUP_MIN_OS);
    }

    /**
     * The critical apps that hold DeviceConfigured as device-licensed VPP installs. Company Portal is left out when
     * the profile installs it anyway (its own InstallApplication then holds DeviceConfigured, {@link
     * CompanyPortalService#setupAdditions}); on iOS before 16 none hold: they are queued after DeviceConfigured ({@link #configured}).
     */
    List<String> toHold(DeviceRecord d, EnrollmentProfile p, List<String> apps) {
        List<String> out = new ArrayList<>(apps);
        if (CompanyPortalService.wantsCompanyPortal(p)) {
            out.remove(CompanyPortalService.BUNDLE_ID);
        }
        if (appsHoldConfigured(d)) {
            return out;
        }
        deferCriticalApps(d, out);
        return List.of();
    }

    /** Critical apps of an iOS &lt; 16 device: queued after DeviceConfigured ({@link #configured}). */
    private void deferCriticalApps(DeviceRecord d, List<String> apps) {
        if (apps.isEmpty()) {
            return;
        }
        d.portal.appsAfterConfigured.addAll(apps);
        String why = "iOS " + d.osVersion + " answers NotNow to every app install while it awaits configuration"
                + " (only iOS " + VPP_DURING_SETUP_MIN_OS + " and later install device-licensed VPP apps then):"
                + " the critical apps follow DeviceConfigured instead of holding it";
        events.emit("await-configuration", d.id, "action", "apps-after-configured", "apps", List.copyOf(apps),
                "reason", why);
        LOG.log(INFO, "{0}: {1} {2}", d.id, apps, why);
    }

    /** DeviceConfigured was acknowledged: the deferred critical apps are queued now. */
    void configured(DeviceRecord d, Instant now) {
        PortalState s = d.portal;
        if (s.appsAfterConfiguredQueued || s.appsAfterConfigured.isEmpty()) {
            return;
        }
        s.appsAfterConfiguredQueued = true;
        for (String app : s.appsAfterConfigured) {
            CompanyPortalService.enqueue(d, criticalApp(ids.uuid(), app), now);
        }
        events.emit("await-configuration", d.id, "action", "apps-queued-after-configured", "apps",
                List.copyOf(s.appsAfterConfigured));
    }
}
