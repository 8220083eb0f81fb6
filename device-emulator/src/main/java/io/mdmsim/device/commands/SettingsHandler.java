package io.mdmsim.device.commands;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.device.model.Cellular;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceErrors;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.PlistFields;
import io.mdmsim.device.model.Versions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings (ADM mdm/commands/settings.yaml): each item of the Settings array changes one thing on the device. An item
 * the device cannot apply fails alone; the reply is then Error, with the first failure as ErrorChain and a
 * {@code Settings} array holding every item's {Status, ErrorChain, Identifier} (Apple's SettingsResponse.Settings
 * objects; the vendored YAML types that key as one dictionary).
 */
final class SettingsHandler {

    /** Which iOS version introduced an item and whether it needs supervision (settings.yaml per item). */
    record Item(String name, String introduced, boolean supervised, boolean sharedIpadOnly) {
    }

    static final Map<String, Item> ITEMS = new LinkedHashMap<>();

    static {
        item("Wallpaper", "8.0", true);
        item("DataRoaming", "4.0", false);
        item("VoiceRoaming", "4.0", false);
        item("PersonalHotspot", "4.0", false);
        item("Bluetooth", "11.3", true);
        item("ApplicationConfiguration", "7.0", false);
        item("ApplicationAttributes", "7.0", false);
        item("DeviceName", "4.0", true);
        item("OrganizationInfo", "4.0", false);
        item("MDMOptions", "7.0", false);
        ITEMS.put("MaximumResidentUsers", new Item("MaximumResidentUsers", "9.3", false, true));
        ITEMS.put("SharedDeviceConfiguration", new Item("SharedDeviceConfiguration", "13.4", false, true));
        item("DiagnosticSubmission", "9.3", false);
        item("AppAnalytics", "9.3.2", false);
        item("PasscodeLockGracePeriod", "9.3.2", false);
        item("TimeZone", "14.0", true);
        item("SoftwareUpdateSettings", "14.5", true);
        item("AccessibilitySettings", "16.0", true);
    }

    private static void item(String name, String introduced, boolean supervised) {
        ITEMS.put(name, new Item(name, introduced, supervised, false));
    }

    private static final Set<Long> GRACE_PERIODS = Set.of(0L, 60L, 300L, 900L, 3600L, 14400L);

    /** The most users a Shared iPad of up to 64 GB caches (seeds: "up to 24 users on a 32-GB or 64-GB device"). */
    static final long MAX_CACHED_USERS_UP_TO_64_GB = 24;
    /** The usable capacity (DeviceCapacity, GB) of a 64-GB device and less. */
    static final double SIXTY_FOUR_GB_USABLE = 64;

    /**
     * The resident users a Shared iPad keeps of what the MDM asked for: ADM settings.yaml ResidentUsers, "If this
     * value is greater than the value for the maximum possible number of users that the device supports, the
     * [device] uses that value instead"; the maximum of a 32-GB or 64-GB iPad is 24 (seeds). The seeds give no figure
     * for larger iPads, which keep what they are given.
     */
    static long residentUsers(Device d, long asked) {
        return d.hardware().capacityGb() <= SIXTY_FOUR_GB_USABLE ? Math.min(asked, MAX_CACHED_USERS_UP_TO_64_GB) : asked;
    }

    private SettingsHandler() {
    }

    static CommandReply settings(Device d, Command c) throws CommandHandler.CommandFormatException {
        NSObject settings = c.command().objectForKey("Settings");
        if (!(settings instanceof NSArray array)) {
            throw new CommandHandler.CommandFormatException("Settings Settings is "
                    + (settings == null ? "missing" : PlistFields.typeName(settings)) + " (expected: an array of items)");
        }
        List<NSDictionary> items = new ArrayList<>();
        for (int i = 0; i < array.count(); i++) {
            if (!(array.objectAtIndex(i) instanceof NSDictionary item)
                    || !(item.objectForKey("Item") instanceof NSString)) {
                throw new CommandHandler.CommandFormatException("Settings Settings[" + i + "] is not a dictionary with"
                        + " a string Item (expected: e.g. {Item: DeviceName, DeviceName: \"iPhone 7\"})");
            }
            items.add(item);
        }
        List<NSObject> results = new ArrayList<>();
        ErrorChainItem firstError = null;
        for (NSDictionary item : items) {
            String name = ((NSString) item.objectForKey("Item")).getContent();
            ErrorChainItem error = apply(d, name, item);
            NSDictionary result = new NSDictionary();
            result.put("Status", error == null ? "Acknowledged" : "Error");
            if (error != null) {
                result.put("ErrorChain", new NSArray(error.toDictionary()));
                firstError = firstError == null ? error : firstError;
            }
            if (item.objectForKey("Identifier") instanceof NSString id) {
                result.put("Identifier", id);
            }
            results.add(result);
        }
        if (firstError == null) {
            return CommandReply.acknowledged();
        }
        Map<String, NSObject> keys = new LinkedHashMap<>();
        keys.put("Settings", new NSArray(results.toArray(NSObject[]::new)));
        return new CommandReply(CommandStatus.ERROR, keys, List.of(firstError));
    }

    /** Applies one item; the error it failed with, or null. */
    private static ErrorChainItem apply(Device d, String name, NSDictionary item) {
        Item spec = ITEMS.get(name);
        if (spec == null) {
            return DeviceErrors.item(DeviceErrors.UNKNOWN_REQUEST_TYPE, DeviceErrors.MDM, "Settings item " + name
                    + " is not supported on iOS (expected one of " + ITEMS.keySet() + ")");
        }
        if (!Versions.atLeast(d.spec().osVersion(), spec.introduced())) {
            return DeviceErrors.item(DeviceErrors.UNKNOWN_REQUEST_TYPE, DeviceErrors.MDM, "Settings item " + name
                    + " needs iOS " + spec.introduced() + " (this device runs " + d.spec().osVersion() + ")");
        }
        if (spec.supervised() && !d.supervised()) {
            return DeviceErrors.item(DeviceErrors.NOT_SUPERVISED, DeviceErrors.MDM, "Settings item " + name
                    + " requires a supervised device");
        }
        if (spec.sharedIpadOnly() && !ManagedState.sharedIpad(d)) {
            return DeviceErrors.item(DeviceErrors.NOT_ON_THIS_CHANNEL, DeviceErrors.MDM, "Settings item " + name
                    + " applies only to a Shared iPad");
        }
        String what = "Settings item " + name;
        ManagedState m = d.managed();
        try {
            switch (name) {
                case "Wallpaper" -> {
                    Long where = CommandFields.optionalInteger(what, item, "Where");
                    if (where == null || where < 1 || where > 3 || !(item.objectForKey("Image") instanceof NSData)) {
                        return invalid(what + " needs Image data and Where 1, 2 or 3 (found Where " + where + ")");
                    }
                    m.setting("Wallpaper", where);
                }
                case "DataRoaming", "VoiceRoaming", "PersonalHotspot", "Bluetooth", "DiagnosticSubmission",
                     "AppAnalytics" -> {
                    if (!(item.objectForKey("Enabled") instanceof NSNumber n) || !n.isBoolean()) {
                        return invalid(what + " Enabled is missing or not a boolean");
                    }
                    if (name.endsWith("Roaming") || name.equals("PersonalHotspot")) {
                        if (Cellular.of(d) == null) {
                            return invalid(what + ": this device has no cellular modem");
                        }
                    }
                    m.setting(name, n.boolValue());
                }
                case "ApplicationConfiguration", "ApplicationAttributes" -> {
                    String id = CommandFields.optionalString(what, item, "Identifier");
                    ManagedState.App app = id == null ? null : m.app(id);
                    if (app == null || !app.managed()) {
                        return DeviceErrors.item(DeviceErrors.APP_NOT_MANAGED, DeviceErrors.MDM, what + ": app " + id
                                + " is not a managed app on this device");
                    }
                    NSDictionary value = CommandFields.optionalDictionary(what, item,
                            name.equals("ApplicationConfiguration") ? "Configuration" : "Attributes");
                    m.app(name.equals("ApplicationConfiguration")
                            ? withConfiguration(app, value) : withAttributes(app, value));
                }
                case "DeviceName" -> {
                    String n = CommandFields.optionalString(what, item, "DeviceName");
                    if (n == null || n.isBlank()) {
                        return invalid(what + " DeviceName is missing or blank");
                    }
                    d.deviceName(n);
                }
                case "OrganizationInfo" -> {
                    NSDictionary info = CommandFields.optionalDictionary(what, item, "OrganizationInfo");
                    NSDictionary kept = new NSDictionary();
                    if (info != null) {
                        for (String k : List.of("OrganizationName", "OrganizationAddress", "OrganizationPhone",
                                "OrganizationEmail", "OrganizationMagic")) {
                            if (info.objectForKey(k) instanceof NSString s) {
                                kept.put(k, s);
                            }
                        }
                        if (!kept.containsKey("OrganizationName")) {
                            return invalid(what + " OrganizationInfo lacks OrganizationName");
                        }
                    }
                    m.setting("OrganizationInfo", kept);
                }
                case "MDMOptions" -> {
                    NSDictionary options = CommandFields.optionalDictionary(what, item, "MDMOptions");
                    if (options == null) {
                        return invalid(what + " MDMOptions is missing");
                    }
                    m.setting("MDMOptions", options);
                }
                case "MaximumResidentUsers" -> m.setting(name, residentUsers(d, required(what, item, name)));
                case "SharedDeviceConfiguration" -> {
                    for (String k : List.of("QuotaSize", "ResidentUsers", "UserSessionTimeout",
                            "TemporarySessionTimeout", "OnlineAuthenticationGracePeriod")) {
                        Long v = CommandFields.optionalInteger(what, item, k);
                        if (v != null) {
                            m.setting(k, k.equals("ResidentUsers") ? residentUsers(d, v) : v);
                        }
                    }
                    for (String k : List.of("TemporarySessionOnly", "SkipLanguageAndLocaleSetupForNewUsers")) {
                        if (item.objectForKey(k) != null) {
                            m.setting(k, CommandFields.bool(what, item, k, false));
                        }
                    }
                    if (item.objectForKey("ManagedAppleIDDefaultDomains") instanceof NSArray domains) {
                        m.setting("ManagedAppleIDDefaultDomains", domains);
                    }
                    // settings.yaml SharedDeviceConfiguration.PasscodePolicy (iOS 17+)
                    NSDictionary policy = CommandFields.optionalDictionary(what, item, "PasscodePolicy");
                    if (policy != null) {
                        Long grace = CommandFields.optionalInteger(what + " PasscodePolicy", policy,
                                "PasscodeLockGracePeriod");
                        if (grace != null) {
                            if (!GRACE_PERIODS.contains(grace)) {
                                return invalid(what + " PasscodePolicy PasscodeLockGracePeriod is " + grace
                                        + " (expected one of " + GRACE_PERIODS + ")");
                            }
                            m.setting("PasscodeLockGracePeriod", grace);
                        }
                        Long autoLock = CommandFields.optionalInteger(what + " PasscodePolicy", policy, "AutoLockTime");
                        if (autoLock != null) {
                            m.setting("AutoLockTime", autoLock);
                        }
                    }
                }
                case "PasscodeLockGracePeriod" -> {
                    long v = required(what, item, name);
                    if (!GRACE_PERIODS.contains(v)) {
                        return invalid(what + " is " + v + " (expected one of " + GRACE_PERIODS + ")");
                    }
                    m.setting(name, v);
                }
                case "TimeZone" -> {
                    String tz = CommandFields.optionalString(what, item, "TimeZone");
                    if (tz == null || !java.time.ZoneId.getAvailableZoneIds().contains(tz)) {
                        return invalid(what + " TimeZone is " + tz + " (expected: an IANA zone such as Europe/Paris)");
                    }
                    m.setting("TimeZone", tz);
                }
                case "SoftwareUpdateSettings" -> {
                    long v = required(what, item, "RecommendationCadence");
                    if (v < 0 || v > 2) {
                        return invalid(what + " RecommendationCadence is " + v + " (expected: 0, 1 or 2)");
                    }
                    m.setting("RecommendationCadence", v);
                }
                case "AccessibilitySettings" -> {
                    NSDictionary current = m.setting("AccessibilitySettings");
                    NSDictionary next = current == null ? new NSDictionary() : current.clone();
                    for (String k : DeviceQueries.ACCESSIBILITY_FLAGS) {
                        if (item.objectForKey(k) != null) {
                            next.put(k, CommandFields.bool(what, item, k, false));
                        }
                    }
                    Long size = CommandFields.optionalInteger(what, item, "TextSize");
                    if (size != null) {
                        if (size < 0 || size > 11) {
                            return invalid(what + " TextSize is " + size + " (expected: 0..11)");
                        }
                        next.put("TextSize", size);
                    }
                    m.setting("AccessibilitySettings", next);
                }
                default -> throw new IllegalStateException("Settings item " + name + " has no handler");
            }
        } catch (CommandHandler.CommandFormatException e) {
            return invalid(e.getMessage());
        }
        return null;
    }

    private static long required(String what, NSDictionary item, String key) throws CommandHandler.CommandFormatException {
        Long v = CommandFields.optionalInteger(what, item, key);
        if (v == null) {
            throw new CommandHandler.CommandFormatException(what + " " + key + " is missing (expected: an integer)");
        }
        return v;
    }

    private static ErrorChainItem invalid(String description) {
        return DeviceErrors.item(DeviceErrors.MALFORMED_REQUEST, DeviceErrors.MDM, description);
    }

    private static ManagedState.App withConfiguration(ManagedState.App a, NSDictionary configuration) {
        return new ManagedState.App(a.identifier(), a.name(), a.version(), a.shortVersion(), a.bundleSize(),
                a.dynamicSize(), a.managed(), a.iTunesStoreId(), a.manifestUrl(), a.managementFlags(), configuration,
                a.attributes(), a.queuedAt(), a.readyAt());
    }

    private static ManagedState.App withAttributes(ManagedState.App a, NSDictionary attributes) {
        return new ManagedState.App(a.identifier(), a.name(), a.version(), a.shortVersion(), a.bundleSize(),
                a.dynamicSize(), a.managed(), a.iTunesStoreId(), a.manifestUrl(), a.managementFlags(),
                a.configuration(), attributes, a.queuedAt(), a.readyAt());
    }
}
