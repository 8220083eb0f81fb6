package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of a plist dictionary that fail with a message naming the document, the key, what was found and what
 * was expected: "SCEP payload: Keysize is a string (expected: an integer)".
 */
public final class PlistFields {

    /** A field that is missing or of the wrong type. */
    public static final class FieldException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FieldException(String message) {
            super(message, null, false, false);
        }
    }

    private final String context;
    private final NSDictionary dict;

    public PlistFields(String context, NSDictionary dict) {
        this.context = requireNonNull(context, "context");
        this.dict = requireNonNull(dict, "dict");
    }

    public NSDictionary dictionary() {
        return dict;
    }

    public boolean has(String key) {
        return dict.objectForKey(key) != null;
    }

    public String string(String key) {
        String s = optionalString(key);
        if (s == null) {
            throw missing(key, "a string");
        }
        return s;
    }

    public String optionalString(String key) {
        NSObject o = dict.objectForKey(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSString s) {
            return s.getContent();
        }
        throw wrong(key, o, "a string");
    }

    public boolean bool(String key, boolean defaultValue) {
        NSObject o = dict.objectForKey(key);
        if (o == null) {
            return defaultValue;
        }
        if (o instanceof NSNumber n && n.isBoolean()) {
            return n.boolValue();
        }
        throw wrong(key, o, "a boolean");
    }

    public long integer(String key, long defaultValue) {
        NSObject o = dict.objectForKey(key);
        if (o == null) {
            return defaultValue;
        }
        if (o instanceof NSNumber n && n.isInteger()) {
            return n.longValue();
        }
        throw wrong(key, o, "an integer");
    }

    public byte[] optionalData(String key) {
        NSObject o = dict.objectForKey(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSData d) {
            return d.bytes();
        }
        throw wrong(key, o, "data");
    }

    /** The array's items, empty if the key is absent. */
    public List<NSObject> array(String key) {
        NSObject o = dict.objectForKey(key);
        if (o == null) {
            return List.of();
        }
        if (o instanceof NSArray a) {
            return List.of(a.getArray());
        }
        throw wrong(key, o, "an array");
    }

    public List<String> stringArray(String key) {
        List<String> out = new ArrayList<>();
        List<NSObject> items = array(key);
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof NSString s)) {
                throw new FieldException(context + ": " + key + "[" + i + "] is " + typeName(items.get(i))
                        + " (expected: a string)");
            }
            out.add(s.getContent());
        }
        return out;
    }

    public List<byte[]> dataArray(String key) {
        List<byte[]> out = new ArrayList<>();
        List<NSObject> items = array(key);
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof NSData d)) {
                throw new FieldException(context + ": " + key + "[" + i + "] is " + typeName(items.get(i))
                        + " (expected: data)");
            }
            out.add(d.bytes());
        }
        return out;
    }

    public NSDictionary optionalDictionary(String key) {
        NSObject o = dict.objectForKey(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSDictionary d) {
            return d;
        }
        throw wrong(key, o, "a dictionary");
    }

    public FieldException invalid(String message) {
        return new FieldException(context + ": " + message);
    }

    private FieldException missing(String key, String expected) {
        return new FieldException(context + ": " + key + " is missing (expected: " + expected + ")");
    }

    private FieldException wrong(String key, NSObject found, String expected) {
        return new FieldException(context + ": " + key + " is " + typeName(found) + " (expected: " + expected + ")");
    }

    public static String typeName(NSObject o) {
        if (o instanceof NSNumber n) {
            return n.isBoolean() ? "a boolean" : n.isInteger() ? "an integer" : "a real";
        }
        if (o instanceof NSString) {
            return "a string";
        }
        if (o instanceof NSData) {
            return "data";
        }
        if (o instanceof NSArray) {
            return "an array";
        }
        if (o instanceof NSDictionary) {
            return "a dictionary";
        }
        return "a " + o.getClass().getSimpleName().replaceFirst("^NS", "").toLowerCase(java.util.Locale.ROOT);
    }
}
