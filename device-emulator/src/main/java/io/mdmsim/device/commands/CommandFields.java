package io.mdmsim.device.commands;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.device.model.PlistFields;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of a command's keys. A key of the wrong type, or a required key missing, makes the command malformed:
 * {@link CommandHandler.CommandFormatException} "InstallProfile Payload is a string (expected: data)".
 */
final class CommandFields {

    private CommandFields() {
    }

    static String requiredString(Command c, String key) throws CommandHandler.CommandFormatException {
        String s = optionalString(c, key);
        if (s == null) {
            throw missing(c, key, "a string");
        }
        return s;
    }

    static String optionalString(Command c, String key) throws CommandHandler.CommandFormatException {
        return optionalString(c.requestType(), c.command(), key);
    }

    static String optionalString(String what, NSDictionary d, String key) throws CommandHandler.CommandFormatException {
        NSObject o = d.objectForKey(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSString s) {
            return s.getContent();
        }
        throw wrong(what, key, o, "a string");
    }

    static byte[] requiredData(Command c, String key) throws CommandHandler.CommandFormatException {
        byte[] b = optionalData(c, key);
        if (b == null) {
            throw missing(c, key, "data");
        }
        return b;
    }

    static byte[] optionalData(Command c, String key) throws CommandHandler.CommandFormatException {
        NSObject o = c.command().objectForKey(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSData d) {
            return d.bytes();
        }
        throw wrong(c.requestType(), key, o, "data");
    }

    static boolean bool(Command c, String key, boolean dflt) throws CommandHandler.CommandFormatException {
        return bool(c.requestType(), c.command(), key, dflt);
    }

    static boolean bool(String what, NSDictionary d, String key, boolean dflt)
            throws CommandHandler.CommandFormatException {
        NSObject o = d.objectForKey(key);
        if (o == null) {
            return dflt;
        }
        if (o instanceof NSNumber n && n.isBoolean()) {
            return n.boolValue();
        }
        throw wrong(what, key, o, "a boolean");
    }

    static Long optionalInteger(Command c, String key) throws CommandHandler.CommandFormatException {
        return optionalInteger(c.requestType(), c.command(), key);
    }

    static Long optionalInteger(String what, NSDictionary d, String key) throws CommandHandler.CommandFormatException {
        NSObject o = d.objectForKey(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSNumber n && n.isInteger()) {
            return n.longValue();
        }
        throw wrong(what, key, o, "an integer");
    }

    static NSDictionary optionalDictionary(Command c, String key) throws CommandHandler.CommandFormatException {
        return optionalDictionary(c.requestType(), c.command(), key);
    }

    static NSDictionary optionalDictionary(String what, NSDictionary d, String key)
            throws CommandHandler.CommandFormatException {
        NSObject o = d.objectForKey(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSDictionary dict) {
            return dict;
        }
        throw wrong(what, key, o, "a dictionary");
    }

    /** An array of strings; null if absent. */
    static List<String> optionalStrings(Command c, String key) throws CommandHandler.CommandFormatException {
        NSObject o = c.command().objectForKey(key);
        if (o == null) {
            return null;
        }
        if (!(o instanceof NSArray a)) {
            throw wrong(c.requestType(), key, o, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (NSObject item : a.getArray()) {
            if (!(item instanceof NSString s)) {
                throw new CommandHandler.CommandFormatException(c.requestType() + " " + key + " holds "
                        + PlistFields.typeName(item) + " (expected: strings)");
            }
            out.add(s.getContent());
        }
        return out;
    }

    static CommandHandler.CommandFormatException missing(Command c, String key, String expected) {
        return new CommandHandler.CommandFormatException(c.requestType() + " " + key + " is missing (expected: "
                + expected + ")");
    }

    static CommandHandler.CommandFormatException wrong(String what, String key, NSObject found, String expected) {
        return new CommandHandler.CommandFormatException(what + " " + key + " is " + PlistFields.typeName(found)
                + " (expected: " + expected + ")");
    }
}
