package io.mdmsim.mdm.reference;

import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.mdm.enroll.EnrollmentService;
import io.mdmsim.mdm.management.EnrollmentProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The commands an enrollment profile sends once the device is enrolled (seeds "Create an Apple enrollment
 * profile"), from the profile the device enrolled with:
 * <ul>
 * <li>Shared iPad (sharedIpad, an iPad on iPadOS 13.4+): one Settings command (ADM mdm/commands/settings.yaml) with
 * {@code SharedDeviceConfiguration} — {@code ResidentUsers} from maxCachedUsers (the iPad caps it by its storage); on 14.5+
 * {@code UserSessionTimeout} from inactivityLogoutSeconds, or with temporarySessionOnly {@code TemporarySessionOnly
 * true} and {@code TemporarySessionTimeout} from temporarySessionLogoutSeconds (the seeds: two settings; a
 * temporary-session-only iPad has no cached users, lock grace or user session timeout); on 17.0+ {@code PasscodePolicy.PasscodeLockGracePeriod} from
 * lockGraceSeconds — and before 17.0 the (then current) {@code PasscodeLockGracePeriod} item instead.</li>
 * <li>justInTimeRegistration on iOS 13+: InstallProfile of the Extensible SSO payload of the JIT device
 * configuration policy ({@code JitSso}).</li>
 * <li>cellularDataPlanUrl on iOS 13+ with a cellular modem (IMEI or MEID in Authenticate): RefreshCellularPlans
 * {@code eSIMServerURL} (ADM mdm/commands/device.esim.yaml).</li>
 * </ul>
 */
public final class EnrollmentSettings {

    /** The commands, and the settings left out (with why) for the event. */
    public record Plan(List<Command> commands, List<String> skipped) {}

    static final String SHARED_IPAD_MIN = "13.4";
    static final String SESSION_KEYS_MIN = "14.5";
    static final String PASSCODE_POLICY_MIN = "17.0";
    static final String CELLULAR_PLANS_MIN = "13.0";
    static final String JIT_MIN = "13.0";

    private EnrollmentSettings() {
    }

    public static Plan plan(EnrollmentProfile p, String productName, String osVersion, boolean cellular,
            Supplier<String> uuids) {
        List<Command> commands = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (p == null) {
            return new Plan(commands, skipped);
        }
        String os = osVersion == null ? "0" : osVersion;
        if (p.isShared()) {
            boolean ipad = productName != null && productName.startsWith("iPad");
            if (!ipad || !atLeast(os, SHARED_IPAD_MIN)) {
                skipped.add("Shared iPad settings: the device is " + (productName == null ? "of unknown type"
                        : productName) + " on " + os + " (expected: an iPad on iPadOS " + SHARED_IPAD_MIN + " or later)");
            } else {
                List<Commands.Setting> items = sharedIpadItems(p, os, skipped);
                if (!items.isEmpty()) {
                    commands.add(Commands.settings(uuids.get(), items));
                }
            }
        }
        if (Boolean.TRUE.equals(p.justInTimeRegistration())) {
            // Just in Time Registration: the SSO extension of the JIT device configuration policy (iOS 13+)
            if (!atLeast(os, JIT_MIN)) {
                skipped.add("justInTimeRegistration: the SSO extension needs iOS " + JIT_MIN + " (the device runs " + os
                        + ")");
            } else {
                String uuid = uuids.get();
                commands.add(Commands.installProfile(uuid, io.mdmsim.mdm.management.JitSso.profile(uuid,
                        uuids.get())));
            }
        }
        String url = p.cellularDataPlanUrl();
        if (url != null && !url.isBlank()) {
            if (!atLeast(os, CELLULAR_PLANS_MIN)) {
                skipped.add("cellularDataPlanUrl: needs iOS " + CELLULAR_PLANS_MIN + " (the device runs " + os + ")");
            } else if (!cellular) {
                skipped.add("cellularDataPlanUrl: the device has no cellular modem (no IMEI or MEID)");
            } else {
                commands.add(Commands.raw(uuids.get(), "RefreshCellularPlans", Map.of("eSIMServerURL", url)));
            }
        }
        return new Plan(commands, skipped);
    }

    private static List<Commands.Setting> sharedIpadItems(EnrollmentProfile p, String os, List<String> skipped) {
        boolean temporaryOnly = Boolean.TRUE.equals(p.temporarySessionOnly());
        boolean sessionKeys = atLeast(os, SESSION_KEYS_MIN);
        Map<String, Object> shared = new LinkedHashMap<>();
        if (p.maxCachedUsers() != null) {
            if (temporaryOnly) {
                skipped.add("maxCachedUsers: not applicable with temporarySessionOnly");
            } else {
                shared.put("ResidentUsers", p.maxCachedUsers());
            }
        }
        if (p.temporarySessionOnly() != null) {
            if (sessionKeys) {
                shared.put("TemporarySessionOnly", temporaryOnly);
            } else {
                skipped.add("temporarySessionOnly: needs iPadOS " + SESSION_KEYS_MIN + " (the device runs " + os + ")");
            }
        }
        // two settings (seeds): the user session's inactivity logout, cancelled by temporary sessions only, and the
        // temporary session's, available with temporary sessions only
        if (p.inactivityLogoutSeconds() != null) {
            if (temporaryOnly) {
                skipped.add("inactivityLogoutSeconds: not applicable with temporarySessionOnly (see"
                        + " temporarySessionLogoutSeconds)");
            } else if (sessionKeys) {
                shared.put("UserSessionTimeout", p.inactivityLogoutSeconds());
            } else {
                skipped.add("inactivityLogoutSeconds: needs iPadOS " + SESSION_KEYS_MIN + " (the device runs " + os
                        + ")");
            }
        }
        if (p.temporarySessionLogoutSeconds() != null && temporaryOnly) {
            if (sessionKeys) {
                shared.put("TemporarySessionTimeout", p.temporarySessionLogoutSeconds());
            } else {
                skipped.add("temporarySessionLogoutSeconds: needs iPadOS " + SESSION_KEYS_MIN + " (the device runs "
                        + os + ")");
            }
        }
        List<Commands.Setting> items = new ArrayList<>();
        Integer grace = p.lockGraceSeconds();
        if (grace != null && temporaryOnly) {
            skipped.add("lockGraceSeconds: not applicable with temporarySessionOnly (no passcode in a temporary"
                    + " session)");
        } else if (grace != null && atLeast(os, PASSCODE_POLICY_MIN)) {
            shared.put("PasscodePolicy", Map.of("PasscodeLockGracePeriod", grace));
        } else if (grace != null) {
            items.add(Commands.Setting.of("PasscodeLockGracePeriod", Map.of("PasscodeLockGracePeriod", grace)));
        }
        if (!shared.isEmpty()) {
            items.addFirst(Commands.Setting.of("SharedDeviceConfiguration", shared));
        }
        return items;
    }

    static boolean atLeast(String version, String min) {
        return EnrollmentService.compareVersions(version, min) >= 0;
    }
}
