package io.mdmsim.core.protocol;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.plist.Plist;

/**
 * Typed reads from a plist dictionary that fail with a {@link MalformedMessageException} naming the key, what was
 * found and the expected type: {@code "TokenUpdate: Token: <string> \"abc\" (expected: <data>)"}.
 */
final class Fields {
    private final String context;
    private final String path;
    private final NSDictionary dict;
    private final byte[] raw;

    Fields(String context, NSDictionary dict, byte[] raw) {
        this(context, "", dict, raw);
    }

    private Fields(String context, String path, NSDictionary dict, byte[] raw) {
        this.context = context;
        this.path = path;
        this.dict = dict;
        this.raw = raw;
    }

    NSDictionary dict() {
        return dict;
    }

    String string(String key) {
        return get(key, NSString.class, "<string>") instanceof NSString s ? s.getContent() : null;
    }

    String requiredString(String key) {
        return require(key, "<string>", string(key));
    }

    byte[] data(String key) {
        return get(key, NSData.class, "<data>") instanceof NSData d ? d.bytes() : null;
    }

    byte[] requiredData(String key) {
        return require(key, "<data>", data(key));
    }

    Boolean bool(String key) {
        NSObject o = dict.get(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSNumber n && n.isBoolean()) {
            return n.boolValue();
        }
        throw wrongType(key, o, "<boolean>");
    }

    boolean bool(String key, boolean defaultValue) {
        Boolean b = bool(key);
        return b == null ? defaultValue : b;
    }

    Long integer(String key) {
        NSObject o = dict.get(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSNumber n && n.isInteger()) {
            return n.longValue();
        }
        throw wrongType(key, o, "<integer>");
    }

    int requiredInt(String key) {
        long v = require(key, "<integer>", integer(key));
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error(where(key) + ": " + v + " (expected: a 32-bit <integer>)");
        }
        return (int) v;
    }

    NSDictionary dictionary(String key) {
        return (NSDictionary) get(key, NSDictionary.class, "<dictionary>");
    }

    NSDictionary requiredDictionary(String key) {
        return require(key, "<dictionary>", dictionary(key));
    }

    NSArray array(String key) {
        return (NSArray) get(key, NSArray.class, "<array>");
    }

    /** The dictionary at {@code key} as fields of its own (keys reported as {@code key.Sub}); null if absent. */
    Fields nested(String key) {
        NSDictionary d = dictionary(key);
        return d == null ? null : new Fields(context, where(key) + ".", d, raw);
    }

    /** Item {@code i} of an array of dictionaries (keys reported as {@code key[i].Sub}). */
    Fields item(String key, NSArray array, int i) {
        NSObject o = array.objectAtIndex(i);
        if (o instanceof NSDictionary d) {
            return new Fields(context, where(key) + "[" + i + "].", d, raw);
        }
        throw error(where(key) + "[" + i + "]: " + describe(o) + " (expected: <dictionary>)");
    }

    /** The rule of the check-in YAMLs: UDID, or for a user enrollment EnrollmentID. */
    void requireIdentity() {
        if (string("UDID") == null && string("EnrollmentID") == null) {
            throw error("neither UDID nor EnrollmentID is present (expected: <string> UDID, "
                    + "or <string> EnrollmentID for a user enrollment)");
        }
    }

    MalformedMessageException error(String detail) {
        return new MalformedMessageException(context + ": " + detail, raw);
    }

    private NSObject get(String key, Class<? extends NSObject> type, String typeName) {
        NSObject o = dict.get(key);
        if (o == null || type.isInstance(o)) {
            return o;
        }
        throw wrongType(key, o, typeName);
    }

    private <T> T require(String key, String typeName, T value) {
        if (value == null) {
            throw error(where(key) + " is missing (expected: " + typeName + ")");
        }
        return value;
    }

    private MalformedMessageException wrongType(String key, NSObject found, String typeName) {
        return error(where(key) + ": " + describe(found) + " (expected: " + typeName + ")");
    }

    private String where(String key) {
        return path + key;
    }

    /** A short description of a value: {@code <string> "abc"}, {@code <data> of 3 bytes}. */
    static String describe(NSObject o) {
        String type = Plist.typeName(o);
        return switch (o) {
            case NSString s -> type + " " + quote(s.getContent());
            case NSNumber n -> type + " " + n;
            case NSData d -> type + " of " + d.length() + " bytes";
            case NSDate d -> type + " " + d.getDate().toInstant();
            case NSArray a -> type + " of " + a.count() + " items";
            case NSDictionary d -> type + " of " + d.count() + " keys";
            case null, default -> type;
        };
    }

    static String quote(String s) {
        return "\"" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"";
    }
}
