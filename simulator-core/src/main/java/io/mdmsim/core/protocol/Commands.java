package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import io.mdmsim.core.plist.Plist;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed builders of {@link Command}s, one per RequestType, named after it; the keys are those of Apple's
 * {@code mdm/commands/<file>.yaml} named in each method. Optional keys are passed as null to leave them out. Commands
 * with many optional keys take one of the option records nested here ({@link AppInstall}, {@link Setting},
 * {@link EraseOptions}). To add one: a method that puts its keys in a map and calls {@link #command}.
 *
 * <p>It is a little over 400 lines because it is the catalogue of Apple's commands, one builder each; keeping them
 * together keeps the catalogue in one place.
 */
public final class Commands {
    private Commands() {}

    /** The RequestTypes that have a typed builder here. */
    public static final List<String> TYPED = List.of("DeviceInformation", "SecurityInfo", "ProfileList",
            "InstallProfile", "RemoveProfile", "InstalledApplicationList", "InstallApplication", "RemoveApplication",
            "Settings", "DeviceConfigured", "UserConfigured", "DeviceLock", "RestartDevice", "EraseDevice",
            "DeclarativeManagement");

    /** DeviceInformation ({@code information.device.yaml}): {@code Queries} = the names of the values wanted. */
    public static Command deviceInformation(String commandUuid, List<String> queries) {
        return deviceInformation(commandUuid, queries, null);
    }

    /** DeviceInformation with a {@code DeviceAttestationNonce} (iOS 16+; null leaves it out). */
    public static Command deviceInformation(String commandUuid, List<String> queries, byte[] attestationNonce) {
        requireNonNull(queries, "queries");
        return command(commandUuid, "DeviceInformation", keys().with("Queries", List.copyOf(queries))
                .with("DeviceAttestationNonce", attestationNonce));
    }

    /** SecurityInfo ({@code information.security.yaml}). No keys. */
    public static Command securityInfo(String commandUuid) {
        return command(commandUuid, "SecurityInfo", keys());
    }

    /** ProfileList ({@code profile.list.yaml}). */
    public static Command profileList(String commandUuid) {
        return profileList(commandUuid, null);
    }

    /** ProfileList; {@code managedOnly} true lists only profiles this MDM installed (null leaves it out). */
    public static Command profileList(String commandUuid, Boolean managedOnly) {
        return command(commandUuid, "ProfileList", keys().with("ManagedOnly", managedOnly));
    }

    /** InstallProfile ({@code profile.install.yaml}): {@code Payload} = the profile, signed or not. */
    public static Command installProfile(String commandUuid, byte[] profile) {
        requireNonNull(profile, "profile");
        if (profile.length == 0) {
            throw new IllegalArgumentException("profile: empty (expected: the bytes of a .mobileconfig)");
        }
        return command(commandUuid, "InstallProfile", keys().with("Payload", profile.clone()));
    }

    /** RemoveProfile ({@code profile.remove.yaml}): the PayloadIdentifier of the profile to remove. */
    public static Command removeProfile(String commandUuid, String identifier) {
        return command(commandUuid, "RemoveProfile", keys().with("Identifier", nonBlank(identifier, "identifier")));
    }

    /** InstalledApplicationList ({@code application.installed.list.yaml}): every app. */
    public static Command installedApplicationList(String commandUuid) {
        return installedApplicationList(commandUuid, null, null);
    }

    /**
     * InstalledApplicationList limited to bundle {@code identifiers} and/or to managed apps (either null leaves the
     * key out).
     */
    public static Command installedApplicationList(String commandUuid, List<String> identifiers,
            Boolean managedAppsOnly) {
        return command(commandUuid, "InstalledApplicationList", keys()
                .with("Identifiers", identifiers == null ? null : List.copyOf(identifiers))
                .with("ManagedAppsOnly", managedAppsOnly));
    }

    /** InstallApplication ({@code application.install.yaml}). */
    public static Command installApplication(String commandUuid, AppInstall app) {
        requireNonNull(app, "app");
        Keys k = keys().with("iTunesStoreID", app.iTunesStoreId()).with("Identifier", app.identifier())
                .with("ManifestURL", app.manifestUrl()).with("ManagementFlags", app.managementFlags());
        if (app.purchaseMethod() != null) {
            k.with("Options", Map.of("PurchaseMethod", app.purchaseMethod()));
        }
        k.with("Configuration", app.configuration());
        if (app.removable() != null) {
            k.with("Attributes", Map.of("Removable", app.removable()));
        }
        k.with("InstallAsManaged", app.installAsManaged());
        return command(commandUuid, "InstallApplication", k);
    }

    /** RemoveApplication ({@code application.remove.yaml}): the bundle identifier of a managed app. */
    public static Command removeApplication(String commandUuid, String identifier) {
        return command(commandUuid, "RemoveApplication", keys().with("Identifier", nonBlank(identifier, "identifier")));
    }

    /** Settings ({@code settings.yaml}): one or more setting items. */
    public static Command settings(String commandUuid, List<Setting> settings) {
        requireNonNull(settings, "settings");
        if (settings.isEmpty()) {
            throw new IllegalArgumentException("settings: empty (expected: at least one Setting)");
        }
        List<Map<String, Object>> items = settings.stream().map(Setting::toMap).toList();
        return command(commandUuid, "Settings", keys().with("Settings", items));
    }

    /** DeviceConfigured ({@code device.configured.yaml}): releases a device awaiting configuration. No keys. */
    public static Command deviceConfigured(String commandUuid) {
        return command(commandUuid, "DeviceConfigured", keys());
    }

    /** UserConfigured ({@code user.configured.yaml}): releases a user channel awaiting configuration. No keys. */
    public static Command userConfigured(String commandUuid) {
        return command(commandUuid, "UserConfigured", keys());
    }

    /** DeviceLock ({@code device.lock.yaml}) without a message. */
    public static Command deviceLock(String commandUuid) {
        return deviceLock(commandUuid, null, null, null);
    }

    /**
     * DeviceLock with the lock-screen {@code message} and {@code phoneNumber}, and the macOS {@code pin} (six digits);
     * any may be null.
     */
    public static Command deviceLock(String commandUuid, String message, String phoneNumber, String pin) {
        return command(commandUuid, "DeviceLock", keys().with("Message", message).with("PhoneNumber", phoneNumber)
                .with("PIN", pin(pin)));
    }

    /** RestartDevice ({@code device.restart.yaml}). */
    public static Command restartDevice(String commandUuid) {
        return restartDevice(commandUuid, null);
    }

    /** RestartDevice; {@code notifyUser} (macOS) asks the user instead of restarting at once (null leaves it out). */
    public static Command restartDevice(String commandUuid, Boolean notifyUser) {
        return command(commandUuid, "RestartDevice", keys().with("NotifyUser", notifyUser));
    }

    /** EraseDevice ({@code device.erase.yaml}) with no options. */
    public static Command eraseDevice(String commandUuid) {
        return eraseDevice(commandUuid, EraseOptions.NONE);
    }

    public static Command eraseDevice(String commandUuid, EraseOptions options) {
        requireNonNull(options, "options");
        return command(commandUuid, "EraseDevice", keys().with("PIN", pin(options.pin()))
                .with("PreserveDataPlan", options.preserveDataPlan())
                .with("DisallowProximitySetup", options.disallowProximitySetup())
                .with("ObliterationBehavior", options.obliterationBehavior()));
    }

    /** DeclarativeManagement ({@code declarativemanagement.yaml}): tells the device to synchronise declarations. */
    public static Command declarativeManagement(String commandUuid) {
        return declarativeManagement(commandUuid, null);
    }

    /**
     * DeclarativeManagement with {@code Data}: the JSON of the SynchronizationTokens (null leaves it out and the
     * device asks the tokens endpoint).
     */
    public static Command declarativeManagement(String commandUuid, byte[] data) {
        return command(commandUuid, "DeclarativeManagement", keys().with("Data", data == null ? null : data.clone()));
    }

    /** Any RequestType with the given keys of its Command dictionary (RequestType itself is added). */
    public static Command raw(String commandUuid, String requestType, NSDictionary fields) {
        requireNonNull(fields, "fields");
        return new Command(commandUuid, requestType, fields, null);
    }

    /**
     * Any RequestType with keys given as plain Java values (see {@link Plist#wrap}), e.g. from the admin API's JSON.
     */
    public static Command raw(String commandUuid, String requestType, Map<String, ?> fields) {
        requireNonNull(fields, "fields");
        return command(commandUuid, requestType, fields);
    }

    /** Builds the command from keys in insertion order. */
    static Command command(String commandUuid, String requestType, Map<String, ?> fields) {
        requireNonNull(commandUuid, "commandUuid");
        requireNonNull(requestType, "requestType");
        NSObject wrapped = Plist.wrap(fields);
        return new Command(commandUuid, requestType, (NSDictionary) wrapped, null);
    }

    static Keys keys() {
        return new Keys();
    }

    private static String nonBlank(String value, String name) {
        requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + ": blank (expected: a non-empty string)");
        }
        return value;
    }

    private static String pin(String pin) {
        if (pin != null && !pin.matches("[0-9]{6}")) {
            throw new IllegalArgumentException("pin: \"" + pin + "\" (expected: six digits)");
        }
        return pin;
    }

    /** An ordered map of command keys; {@link #with} leaves out null values (absent optional keys). */
    static final class Keys extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;

        Keys with(String key, Object value) {
            if (value != null) {
                put(key, value);
            }
            return this;
        }
    }

    // ---------------------------------------------------------------------------------------------- options

    /**
     * What InstallApplication installs and how ({@code application.install.yaml}). Exactly one source:
     * {@code iTunesStoreId} (App Store), {@code identifier} (bundle id of a VPP or already-installed app) or
     * {@code manifestUrl} (enterprise app). Use the factories and the {@code with...} methods.
     *
     * @param managementFlags 1 remove the app when the MDM profile is removed, 4 prevent backup, 5 both
     * @param purchaseMethod 0 legacy VPP, 1 VPP app assignment
     * @param configuration the managed app configuration dictionary (plain Java values)
     */
    public record AppInstall(Long iTunesStoreId, String identifier, String manifestUrl, Integer managementFlags,
            Integer purchaseMethod, Map<String, ?> configuration, Boolean installAsManaged, Boolean removable) {

        private static final Set<Integer> FLAGS = Set.of(1, 4, 5);

        public AppInstall {
            int sources = (iTunesStoreId != null ? 1 : 0) + (identifier != null ? 1 : 0) + (manifestUrl != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalArgumentException("InstallApplication has " + sources + " sources (expected: exactly"
                        + " one of iTunesStoreID, Identifier, ManifestURL)");
            }
            if (iTunesStoreId != null && iTunesStoreId <= 0) {
                throw new IllegalArgumentException("iTunesStoreId: " + iTunesStoreId + " (expected: > 0)");
            }
            if (identifier != null) {
                nonBlank(identifier, "identifier");
            }
            if (manifestUrl != null && !manifestUrl.startsWith("https://") && !manifestUrl.startsWith("http://")) {
                throw new IllegalArgumentException("manifestUrl: " + manifestUrl + " (expected: an https URL)");
            }
            if (managementFlags != null && !FLAGS.contains(managementFlags)) {
                throw new IllegalArgumentException("managementFlags: " + managementFlags + " (expected: 1, 4 or 5)");
            }
            if (purchaseMethod != null && purchaseMethod != 0 && purchaseMethod != 1) {
                throw new IllegalArgumentException("purchaseMethod: " + purchaseMethod + " (expected: 0 or 1)");
            }
            configuration = configuration == null ? null : Map.copyOf(configuration);
        }

        public static AppInstall storeApp(long iTunesStoreId) {
            return new AppInstall(iTunesStoreId, null, null, null, null, null, null, null);
        }

        public static AppInstall bundle(String identifier) {
            return new AppInstall(null, identifier, null, null, null, null, null, null);
        }

        public static AppInstall enterprise(String manifestUrl) {
            return new AppInstall(null, null, manifestUrl, null, null, null, null, null);
        }

        public AppInstall withManagementFlags(Integer flags) {
            return new AppInstall(iTunesStoreId, identifier, manifestUrl, flags, purchaseMethod, configuration,
                    installAsManaged, removable);
        }

        public AppInstall withPurchaseMethod(Integer method) {
            return new AppInstall(iTunesStoreId, identifier, manifestUrl, managementFlags, method, configuration,
                    installAsManaged, removable);
        }

        public AppInstall withConfiguration(Map<String, ?> config) {
            return new AppInstall(iTunesStoreId, identifier, manifestUrl, managementFlags, purchaseMethod, config,
                    installAsManaged, removable);
        }

        public AppInstall withInstallAsManaged(Boolean managed) {
            return new AppInstall(iTunesStoreId, identifier, manifestUrl, managementFlags, purchaseMethod,
                    configuration, managed, removable);
        }

        public AppInstall withRemovable(Boolean canRemove) {
            return new AppInstall(iTunesStoreId, identifier, manifestUrl, managementFlags, purchaseMethod,
                    configuration, installAsManaged, canRemove);
        }
    }

    /**
     * One item of a Settings command ({@code settings.yaml} {@code Settings[]}): {@code Item} plus its keys. Use the
     * factories; {@link #of} builds any other item.
     */
    public record Setting(String item, Map<String, Object> fields) {

        public Setting {
            nonBlank(item, "item");
            requireNonNull(fields, "fields");
            if (fields.containsKey("Item")) {
                throw new IllegalArgumentException("fields: Item (expected: the keys besides Item; item names it)");
            }
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public static Setting of(String item, Map<String, ?> fields) {
            return new Setting(item, new LinkedHashMap<String, Object>(fields));
        }

        public static Setting deviceName(String name) {
            return of("DeviceName", Map.of("DeviceName", nonBlank(name, "name")));
        }

        public static Setting hostName(String name) {
            return of("HostName", Map.of("HostName", nonBlank(name, "name")));
        }

        public static Setting bluetooth(boolean enabled) {
            return enabled("Bluetooth", enabled);
        }

        public static Setting dataRoaming(boolean enabled) {
            return enabled("DataRoaming", enabled);
        }

        public static Setting voiceRoaming(boolean enabled) {
            return enabled("VoiceRoaming", enabled);
        }

        public static Setting personalHotspot(boolean enabled) {
            return enabled("PersonalHotspot", enabled);
        }

        public static Setting diagnosticSubmission(boolean enabled) {
            return enabled("DiagnosticSubmission", enabled);
        }

        public static Setting appAnalytics(boolean enabled) {
            return enabled("AppAnalytics", enabled);
        }

        public static Setting timeZone(String zone) {
            return of("TimeZone", Map.of("TimeZone", nonBlank(zone, "zone")));
        }

        /** {@code where}: 1 lock screen, 2 home screen, 3 both. */
        public static Setting wallpaper(byte[] image, int where) {
            requireNonNull(image, "image");
            if (where < 1 || where > 3) {
                throw new IllegalArgumentException("where: " + where + " (expected: 1, 2 or 3)");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Image", image.clone());
            m.put("Where", where);
            return new Setting("Wallpaper", m);
        }

        /** The managed app configuration of an installed managed app. */
        public static Setting applicationConfiguration(String identifier, Map<String, ?> configuration) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Identifier", nonBlank(identifier, "identifier"));
            if (configuration != null) {
                m.put("Configuration", Map.copyOf(configuration));
            }
            return new Setting("ApplicationConfiguration", m);
        }

        /** {@code cadence}: 0 all updates, 1 lowest minor, 2 highest major (iOS 14.5+). */
        public static Setting softwareUpdateRecommendationCadence(int cadence) {
            if (cadence < 0 || cadence > 2) {
                throw new IllegalArgumentException("cadence: " + cadence + " (expected: 0, 1 or 2)");
            }
            return of("SoftwareUpdateSettings", Map.of("RecommendationCadence", cadence));
        }

        private static Setting enabled(String item, boolean enabled) {
            return of(item, Map.of("Enabled", enabled));
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Item", item);
            m.putAll(fields);
            return m;
        }
    }

    /**
     * Options of EraseDevice ({@code device.erase.yaml}); each null leaves its key out.
     *
     * @param pin macOS Find My PIN, six digits
     * @param obliterationBehavior Default, DoNotObliterate, ObliterateWithWarning or Always (macOS)
     */
    public record EraseOptions(String pin, Boolean preserveDataPlan, Boolean disallowProximitySetup,
            String obliterationBehavior) {

        public static final EraseOptions NONE = new EraseOptions(null, null, null, null);
        private static final Set<String> OBLITERATION = Set.of("Default", "DoNotObliterate", "ObliterateWithWarning",
                "Always");

        public EraseOptions {
            Commands.pin(pin);
            if (obliterationBehavior != null && !OBLITERATION.contains(obliterationBehavior)) {
                throw new IllegalArgumentException("obliterationBehavior: " + obliterationBehavior
                        + " (expected: Default, DoNotObliterate, ObliterateWithWarning or Always)");
            }
        }
    }
}
