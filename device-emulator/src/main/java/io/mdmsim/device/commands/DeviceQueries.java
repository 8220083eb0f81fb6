package io.mdmsim.device.commands;

import static io.mdmsim.device.model.AccessRight.APP_MANAGEMENT;
import static io.mdmsim.device.model.AccessRight.NONE;
import static io.mdmsim.device.model.AccessRight.QUERY_DEVICE_INFORMATION;
import static io.mdmsim.device.model.AccessRight.QUERY_NETWORK_INFORMATION;
import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.device.model.AccessRight;
import io.mdmsim.device.model.Cellular;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.Versions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every DeviceInformation query iOS answers (ADM mdm/commands/information.device.yaml, {@code Queries} items not
 * marked n/a for iOS), each with the iOS version that introduced it, the access right it needs, whether only a Shared
 * iPad answers it, and how the device computes it from its state. A value of null means the device has nothing to
 * report (an iPad's IMEI, a backup that never happened) and leaves the key out, as iOS does. A test compares the table
 * with the YAML.
 */
public final class DeviceQueries {

    /**
     * One query.
     *
     * @param sharedIpadOnly   answered only by a Shared iPad ({@code sharedipad.mode: required})
     * @param sharedIpadDevice answered on a Shared iPad's device channel ({@code sharedipad.devicechannel})
     */
    public record Query(String name, String introduced, AccessRight right, boolean sharedIpadOnly,
                        boolean sharedIpadDevice, Function<Device, NSObject> value) {
        public Query {
            requireNonNull(name, "name");
            requireNonNull(introduced, "introduced");
            requireNonNull(right, "right");
            requireNonNull(value, "value");
        }
    }

    /** Where Settings leaves a TimeZone unset. */
    public static final String DEFAULT_TIME_ZONE = "America/Los_Angeles";

    private static final Map<String, Query> TABLE = new LinkedHashMap<>();

    static {
        String base = "4.0";
        q("UDID", base, NONE, d -> str(d.udid()));
        q("OrganizationInfo", "7.0", NONE, d -> d.managed().setting("OrganizationInfo"));
        q("MDMOptions", "7.0", NONE, DeviceQueries::mdmOptions);
        q("LastCloudBackupDate", "8.0", NONE, d -> null); // never backed up
        q("AwaitingConfiguration", "9.0", NONE, d -> bool(d.awaitingConfiguration()));
        q("iTunesStoreAccountIsActive", "7.0", APP_MANAGEMENT, d -> bool(false));
        q("iTunesStoreAccountHash", "8.0", APP_MANAGEMENT, d -> null); // no Apple ID signed in
        q("DeviceName", base, QUERY_DEVICE_INFORMATION, d -> str(d.deviceName()));
        q("OSVersion", base, QUERY_DEVICE_INFORMATION, d -> str(d.spec().osVersion()));
        q("SupplementalOSVersionExtra", "16.1", QUERY_DEVICE_INFORMATION, d -> null); // no Rapid Security Response
        q("BuildVersion", base, QUERY_DEVICE_INFORMATION, d -> str(d.spec().buildVersion()));
        q("SupplementalBuildVersion", "16.1", QUERY_DEVICE_INFORMATION, d -> str(d.spec().buildVersion()));
        q("ModelName", base, QUERY_DEVICE_INFORMATION, d -> str(d.spec().family()));
        q("Model", base, QUERY_DEVICE_INFORMATION, d -> str(d.hardware().modelNumber()));
        q("ModelNumber", "16.4", QUERY_DEVICE_INFORMATION, d -> str(d.hardware().modelNumberWithRegion()));
        q("ProductName", base, QUERY_DEVICE_INFORMATION, d -> str(d.spec().productType()));
        q("SerialNumber", base, QUERY_DEVICE_INFORMATION, d -> str(d.serialNumber()));
        q("DeviceCapacity", base, QUERY_DEVICE_INFORMATION, d -> new NSNumber(d.hardware().capacityGb()));
        q("AvailableDeviceCapacity", base, QUERY_DEVICE_INFORMATION, DeviceQueries::availableCapacity);
        q("IMEI", base, QUERY_DEVICE_INFORMATION, d -> str(d.hardware().imei()));
        q("MEID", base, QUERY_DEVICE_INFORMATION, d -> str(d.hardware().meid()));
        q("ModemFirmwareVersion", base, QUERY_DEVICE_INFORMATION, d -> cell(d, Cellular::modemFirmwareVersion));
        // 0 none, 1 GSM, 2 CDMA, 3 GSM and CDMA
        q("CellularTechnology", "4.2.6", QUERY_DEVICE_INFORMATION, d -> new NSNumber(Cellular.of(d) == null ? 0 : 3));
        q("BatteryLevel", "5.0", QUERY_DEVICE_INFORMATION, d -> new NSNumber(d.hardware().batteryLevel()));
        q("IsSupervised", "6.0", QUERY_DEVICE_INFORMATION, d -> bool(d.supervised()));
        q("IsMultiUser", "9.3", QUERY_DEVICE_INFORMATION, d -> bool(ManagedState.sharedIpad(d)));
        q("IsDeviceLocatorServiceEnabled", "7.0", QUERY_DEVICE_INFORMATION, d -> bool(false));
        q("IsActivationLockEnabled", "7.0", QUERY_DEVICE_INFORMATION, d -> bool(false));
        q("IsDoNotDisturbInEffect", "7.0", QUERY_DEVICE_INFORMATION, d -> bool(false));
        q("EASDeviceIdentifier", "7.0", QUERY_DEVICE_INFORMATION, DeviceQueries::easIdentifier);
        q("IsCloudBackupEnabled", "7.1", QUERY_DEVICE_INFORMATION, d -> bool(false));
        q("IsMDMLostModeEnabled", "9.3", QUERY_DEVICE_INFORMATION, d -> bool(false));
        shared("MaximumResidentUsers", "9.3", d -> num(d, "MaximumResidentUsers", 10));
        shared("EstimatedResidentUsers", "14.0", d -> num(d, "MaximumResidentUsers", 10));
        shared("QuotaSize", "13.4", d -> num(d, "QuotaSize", (long) (d.hardware().capacityGb() * 1024 / 10)));
        shared("ResidentUsers", "13.4", d -> num(d, "ResidentUsers", 10));
        shared("UserSessionTimeout", "14.5", d -> num(d, "UserSessionTimeout", 0));
        shared("TemporarySessionTimeout", "14.5", d -> num(d, "TemporarySessionTimeout", 0));
        shared("TemporarySessionOnly", "14.5", d -> bool(Boolean.TRUE.equals(d.managed().setting("TemporarySessionOnly"))));
        shared("ManagedAppleIDDefaultDomains", "16.0", d -> d.managed().setting("ManagedAppleIDDefaultDomains"));
        shared("OnlineAuthenticationGracePeriod", "16.0", d -> num(d, "OnlineAuthenticationGracePeriod", 0));
        shared("SkipLanguageAndLocaleSetupForNewUsers", "16.2",
                d -> bool(Boolean.TRUE.equals(d.managed().setting("SkipLanguageAndLocaleSetupForNewUsers"))));
        add(new Query("PushToken", "9.3", QUERY_DEVICE_INFORMATION, false, false,
                d -> d.pushToken() == null ? null : new NSData(d.pushToken())));
        q("DiagnosticSubmissionEnabled", "9.3", QUERY_DEVICE_INFORMATION, d -> flag(d, "DiagnosticSubmission", false));
        q("AppAnalyticsEnabled", "9.3", QUERY_DEVICE_INFORMATION, d -> flag(d, "AppAnalytics", false));
        q("TimeZone", "14.0", QUERY_DEVICE_INFORMATION, d -> str(timeZone(d)));
        q("ICCID", base, QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::iccidSpaced));
        q("BluetoothMAC", base, QUERY_NETWORK_INFORMATION, d -> str(d.hardware().bluetoothMac()));
        q("WiFiMAC", base, QUERY_NETWORK_INFORMATION, d -> str(d.hardware().wifiMac()));
        q("CurrentCarrierNetwork", base, QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::carrier));
        q("SIMCarrierNetwork", base, QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::carrier));
        q("SubscriberCarrierNetwork", "5.0", QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::carrier));
        q("CarrierSettingsVersion", base, QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::carrierSettingsVersion));
        q("PhoneNumber", base, QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::phoneNumber));
        q("DataRoamingEnabled", "5.0", QUERY_NETWORK_INFORMATION, d -> cellFlag(d, "DataRoaming", false));
        q("VoiceRoamingEnabled", "5.0", QUERY_NETWORK_INFORMATION, d -> cellFlag(d, "VoiceRoaming", true));
        q("PersonalHotspotEnabled", "7.0", QUERY_NETWORK_INFORMATION, d -> cellFlag(d, "PersonalHotspot", false));
        q("IsNetworkTethered", "10.3", QUERY_NETWORK_INFORMATION, d -> bool(false));
        q("IsRoaming", "4.2", QUERY_NETWORK_INFORMATION, d -> Cellular.of(d) == null ? null : bool(false));
        q("SubscriberMCC", "4.2.6", QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::mcc));
        q("SubscriberMNC", "4.2.6", QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::mnc));
        q("CurrentMCC", base, QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::mcc));
        q("CurrentMNC", base, QUERY_NETWORK_INFORMATION, d -> cell(d, Cellular::mnc));
        q("ServiceSubscriptions", "12.0", QUERY_NETWORK_INFORMATION, DeviceQueries::serviceSubscriptions);
        q("SoftwareUpdateDeviceID", "15.0", NONE, d -> str(d.spec().productType()));
        q("SoftwareUpdateSettings", "14.5", NONE, DeviceQueries::softwareUpdateSettings);
        add(new Query("AccessibilitySettings", "16.0", NONE, false, false, DeviceQueries::accessibilitySettings));
        q("DevicePropertiesAttestation", "16.0", NONE, DeviceQueries::attestation);
    }

    private DeviceQueries() {
    }

    private static void q(String name, String introduced, AccessRight right, Function<Device, NSObject> value) {
        add(new Query(name, introduced, right, false, true, value));
    }

    private static void shared(String name, String introduced, Function<Device, NSObject> value) {
        add(new Query(name, introduced, QUERY_DEVICE_INFORMATION, true, true, value));
    }

    private static void add(Query q) {
        TABLE.put(q.name(), q);
    }

    public static Collection<Query> all() {
        return Collections.unmodifiableCollection(TABLE.values());
    }

    /** DeviceInformation: the answers the device gives to {@code queries}, leaving out what it may not or cannot answer. */
    public static NSDictionary answer(Device device, List<String> queries) {
        long rights = CommandRequirements.accessRights(device);
        boolean shared = ManagedState.sharedIpad(device);
        NSDictionary out = new NSDictionary();
        for (String name : queries) {
            Query q = TABLE.get(name);
            if (q == null || !Versions.atLeast(device.spec().osVersion(), q.introduced()) || !q.right().grantedBy(rights)
                    || (q.sharedIpadOnly() && !shared) || (shared && !q.sharedIpadDevice())) {
                continue;
            }
            NSObject value = q.value().apply(device);
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }

    public static String timeZone(Device d) {
        String tz = d.managed().setting("TimeZone");
        return tz == null ? DEFAULT_TIME_ZONE : tz;
    }

    private static NSString str(String s) {
        return s == null ? null : new NSString(s);
    }

    private static NSNumber bool(boolean b) {
        return new NSNumber(b);
    }

    private static NSObject flag(Device d, String setting, boolean dflt) {
        Boolean v = d.managed().setting(setting);
        return bool(v == null ? dflt : v);
    }

    private static NSObject cellFlag(Device d, String setting, boolean dflt) {
        return Cellular.of(d) == null ? null : flag(d, setting, dflt);
    }

    private static NSObject num(Device d, String setting, long dflt) {
        Number v = d.managed().setting(setting);
        return new NSNumber(v == null ? dflt : v.longValue());
    }

    private static NSObject cell(Device d, Function<Cellular, String> f) {
        Cellular c = Cellular.of(d);
        return c == null ? null : str(f.apply(c));
    }

    /** Capacity left after the apps the MDM installed. */
    private static NSObject availableCapacity(Device d) {
        long bytes = 0;
        for (ManagedState.App a : d.managed().apps()) {
            bytes += a.bundleSize() + a.dynamicSize();
        }
        double gb = Math.max(0, d.hardware().availableGb() - bytes / 1e9);
        return new NSNumber(Math.round(gb * 100) / 100.0);
    }

    private static NSObject mdmOptions(Device d) {
        NSDictionary set = d.managed().setting("MDMOptions");
        NSDictionary out = new NSDictionary();
        out.put("ActivationLockAllowedWhileSupervised", set != null
                && set.objectForKey("ActivationLockAllowedWhileSupervised") instanceof NSNumber n && n.boolValue());
        return out;
    }

    private static NSObject easIdentifier(Device d) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("eas/" + d.udid()).getBytes(StandardCharsets.UTF_8));
            return str(HexFormat.of().formatHex(h, 0, 16).toUpperCase(Locale.ROOT));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static NSObject serviceSubscriptions(Device d) {
        Cellular c = Cellular.of(d);
        if (c == null) {
            return null;
        }
        NSDictionary sim = new NSDictionary();
        sim.put("Slot", "CTSubscriptionSlotOne");
        sim.put("Label", "Primary");
        sim.put("LabelID", "CTSubscriptionSlotOne");
        sim.put("ICCID", c.iccidSpaced());
        sim.put("IMEI", d.hardware().imei());
        if (d.hardware().meid() != null) {
            sim.put("MEID", d.hardware().meid());
        }
        if (d.osAtLeast(14, 0)) {
            sim.put("EID", c.eid());
        }
        sim.put("PhoneNumber", c.phoneNumber());
        sim.put("CarrierSettingsVersion", c.carrierSettingsVersion());
        sim.put("CurrentCarrierNetwork", c.carrier());
        if (d.osAtLeast(16, 0)) {
            sim.put("SubscriberCarrierNetwork", c.carrier());
        }
        sim.put("CurrentMCC", c.mcc());
        sim.put("CurrentMNC", c.mnc());
        sim.put("IsDataPreferred", true);
        sim.put("IsVoicePreferred", true);
        sim.put("IsRoaming", false);
        return new NSArray(sim);
    }

    private static NSObject softwareUpdateSettings(Device d) {
        Number cadence = d.managed().setting("RecommendationCadence");
        NSDictionary out = new NSDictionary();
        out.put("RecommendationsCadence", cadence == null ? 0 : cadence.intValue());
        return out;
    }

    /** Accessibility keys a supervised device reports; Settings AccessibilitySettings changes them. */
    static final List<String> ACCESSIBILITY_FLAGS = List.of("BoldTextEnabled", "IncreaseContrastEnabled",
            "ReduceMotionEnabled", "ReduceTransparencyEnabled", "TouchAccommodationsEnabled", "VoiceOverEnabled",
            "ZoomEnabled");

    private static NSObject accessibilitySettings(Device d) {
        NSDictionary set = d.managed().setting("AccessibilitySettings");
        NSDictionary out = new NSDictionary();
        for (String key : ACCESSIBILITY_FLAGS) {
            out.put(key, set != null && set.objectForKey(key) instanceof NSNumber n && n.boolValue());
        }
        out.put("TextSize", set != null && set.objectForKey("TextSize") instanceof NSNumber n ? n.intValue() : 3);
        return out;
    }

    /** The device's Apple-issued identity and its chain, DER, leaf first. */
    private static NSObject attestation(Device d) {
        if (d.factoryIdentity() == null) {
            return null;
        }
        NSArray certs = new NSArray(1 + d.factoryIdentity().chain().size());
        certs.setValue(0, new NSData(Certificates.der(d.factoryIdentity().certificate())));
        int i = 1;
        for (X509Certificate c : d.factoryIdentity().chain()) {
            certs.setValue(i++, new NSData(Certificates.der(c)));
        }
        return certs;
    }
}
