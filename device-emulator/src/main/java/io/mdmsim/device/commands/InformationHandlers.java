package io.mdmsim.device.commands;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.PlistFields;
import io.mdmsim.device.model.Versions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DeviceInformation and SecurityInfo: what the device reports about itself. */
final class InformationHandlers {

    private InformationHandlers() {
    }

    // mdm/commands/information.device.yaml: Queries[] -> QueryResponses{}; unknown queries are left out.
    static CommandReply deviceInformation(Device device, Command command) throws CommandHandler.CommandFormatException {
        NSObject queries = command.command().objectForKey("Queries");
        if (!(queries instanceof NSArray array)) {
            throw new CommandHandler.CommandFormatException("DeviceInformation Queries is "
                    + (queries == null ? "missing" : PlistFields.typeName(queries)) + " (expected: an array of strings)");
        }
        List<String> names = new ArrayList<>();
        for (NSObject q : array.getArray()) {
            if (!(q instanceof NSString name)) {
                throw new CommandHandler.CommandFormatException("DeviceInformation Queries holds "
                        + PlistFields.typeName(q) + " (expected: strings)");
            }
            names.add(name.getContent());
        }
        Map<String, NSObject> result = new LinkedHashMap<>();
        result.put("QueryResponses", DeviceQueries.answer(device, names));
        return CommandReply.acknowledged(result);
    }

    // mdm/commands/information.security.yaml: the iOS keys of SecurityInfo.
    static CommandReply securityInfo(Device device, Command command) {
        NSDictionary info = new NSDictionary();
        info.put("HardwareEncryptionCaps", 3); // block-level and file-level
        boolean passcode = false; // a virtual device never gets a passcode set
        info.put("PasscodePresent", passcode);
        info.put("PasscodeCompliant", true);
        info.put("PasscodeCompliantWithProfiles", true);
        if (Versions.atLeast(device.spec().osVersion(), "9.3.2")) {
            Number grace = device.managed().setting("PasscodeLockGracePeriod");
            info.put("PasscodeLockGracePeriodEnforced", grace == null ? 0 : grace.intValue());
            if (ManagedState.sharedIpad(device)) {
                info.put("PasscodeLockGracePeriod", grace == null ? 0 : grace.intValue());
            }
        }
        if (device.osAtLeast(17, 0)) {
            Number autoLock = device.managed().setting("AutoLockTime");
            info.put("AutoLockTime", autoLock == null ? 120 : autoLock.intValue());
        }
        if (device.osAtLeast(13, 0)) {
            NSDictionary status = new NSDictionary();
            status.put("IsUserEnrollment", false);
            info.put("ManagementStatus", status);
        }
        Map<String, NSObject> result = new LinkedHashMap<>();
        result.put("SecurityInfo", info);
        return CommandReply.acknowledged(result);
    }
}
