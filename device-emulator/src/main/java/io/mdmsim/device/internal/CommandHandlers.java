package io.mdmsim.device.internal;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.protocol.Command;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The RequestTypes a device understands, each with its {@link CommandHandler}. Immutable; {@link #with} returns a
 * copy, so later behaviour (NotNow while in Setup Assistant, profiles, apps) plugs in without touching the loop.
 */
public final class CommandHandlers {

    private final Map<String, CommandHandler> handlers;

    private CommandHandlers(Map<String, CommandHandler> handlers) {
        this.handlers = Map.copyOf(handlers);
    }

    /** What the walking-skeleton iPhone understands: DeviceInformation and DeviceConfigured. */
    public static CommandHandlers defaults() {
        Map<String, CommandHandler> m = new HashMap<>();
        m.put("DeviceInformation", CommandHandlers::deviceInformation);
        m.put("DeviceConfigured", CommandHandlers::deviceConfigured);
        return new CommandHandlers(m);
    }

    public CommandHandlers with(String requestType, CommandHandler handler) {
        requireNonNull(requestType, "requestType");
        requireNonNull(handler, "handler");
        Map<String, CommandHandler> m = new HashMap<>(handlers);
        m.put(requestType, handler);
        return new CommandHandlers(m);
    }

    /** Runs the command; an unknown RequestType gets an Error with MCMDMErrorDomain 12021. */
    public CommandReply dispatch(Device device, Command command) throws CommandHandler.CommandFormatException {
        CommandHandler h = handlers.get(command.requestType());
        return h == null ? CommandReply.unknownCommand(command.requestType()) : h.handle(device, command);
    }

    // mdm/commands/device.configured.yaml: releases a device that awaits configuration.
    static CommandReply deviceConfigured(Device device, Command command) {
        device.awaitingConfiguration(false);
        return CommandReply.acknowledged();
    }

    // mdm/commands/information.device.yaml: Queries[] -> QueryResponses{}; unknown queries are left out.
    static CommandReply deviceInformation(Device device, Command command) throws CommandHandler.CommandFormatException {
        NSObject queries = command.command().objectForKey("Queries");
        if (!(queries instanceof NSArray array)) {
            throw new CommandHandler.CommandFormatException("DeviceInformation Queries is "
                    + (queries == null ? "missing" : PlistFields.typeName(queries)) + " (expected: an array of strings)");
        }
        NSDictionary responses = new NSDictionary();
        for (NSObject q : array.getArray()) {
            if (!(q instanceof NSString name)) {
                throw new CommandHandler.CommandFormatException("DeviceInformation Queries holds "
                        + PlistFields.typeName(q) + " (expected: strings)");
            }
            Query query = QUERIES.get(name.getContent());
            if (query != null && device.osAtLeast(query.major, query.minor)) {
                NSObject value = query.value.apply(device);
                if (value != null) {
                    responses.put(name.getContent(), value);
                }
            }
        }
        Map<String, NSObject> result = new LinkedHashMap<>();
        result.put("QueryResponses", responses);
        return CommandReply.acknowledged(result);
    }

    private record Query(int major, int minor, Function<Device, NSObject> value) {
    }

    private static final Map<String, Query> QUERIES = new HashMap<>();

    private static void query(String key, int major, int minor, Function<Device, NSObject> value) {
        QUERIES.put(key, new Query(major, minor, value));
    }

    static {
        query("UDID", 0, 0, d -> new NSString(d.udid()));
        query("DeviceName", 0, 0, d -> new NSString(d.deviceName()));
        query("OSVersion", 0, 0, d -> new NSString(d.spec().osVersion()));
        query("BuildVersion", 0, 0, d -> new NSString(d.spec().buildVersion()));
        query("SupplementalBuildVersion", 16, 1, d -> new NSString(d.spec().buildVersion()));
        query("ModelName", 0, 0, d -> new NSString(d.spec().family()));
        query("Model", 0, 0, d -> new NSString(d.hardware().modelNumber()));
        query("ModelNumber", 16, 4, d -> new NSString(d.hardware().modelNumberWithRegion()));
        query("ProductName", 0, 0, d -> new NSString(d.spec().productType()));
        query("SerialNumber", 0, 0, d -> new NSString(d.serialNumber()));
        query("DeviceCapacity", 0, 0, d -> new NSNumber(d.hardware().capacityGb()));
        query("AvailableDeviceCapacity", 0, 0, d -> new NSNumber(d.hardware().availableGb()));
        query("BatteryLevel", 5, 0, d -> new NSNumber(d.hardware().batteryLevel()));
        query("IMEI", 0, 0, d -> d.hardware().imei() == null ? null : new NSString(d.hardware().imei()));
        query("MEID", 0, 0, d -> d.hardware().meid() == null ? null : new NSString(d.hardware().meid()));
        query("WiFiMAC", 0, 0, d -> new NSString(d.hardware().wifiMac()));
        query("BluetoothMAC", 0, 0, d -> new NSString(d.hardware().bluetoothMac()));
        query("IsSupervised", 6, 0, d -> new NSNumber(d.supervised()));
        query("AwaitingConfiguration", 9, 0, d -> new NSNumber(d.awaitingConfiguration()));
        query("IsMultiUser", 9, 3, d -> new NSNumber(false));
        query("IsDeviceLocatorServiceEnabled", 7, 0, d -> new NSNumber(false));
        query("IsActivationLockEnabled", 7, 0, d -> new NSNumber(false));
        query("IsDoNotDisturbInEffect", 7, 0, d -> new NSNumber(false));
        query("IsCloudBackupEnabled", 7, 1, d -> new NSNumber(false));
        query("IsMDMLostModeEnabled", 9, 3, d -> new NSNumber(false));
        query("iTunesStoreAccountIsActive", 7, 0, d -> new NSNumber(false));
        query("DiagnosticSubmissionEnabled", 9, 3, d -> new NSNumber(false));
        query("AppAnalyticsEnabled", 9, 3, d -> new NSNumber(false));
        query("PushToken", 9, 3, d -> d.pushToken() == null ? null : new NSData(d.pushToken()));
        query("SoftwareUpdateDeviceID", 15, 0, d -> new NSString(d.spec().productType()));
    }
}
