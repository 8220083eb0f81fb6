package io.mdmsim.core.protocol;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;

/** Builds a plist dictionary in key order, leaving out absent (null) values. */
final class DictWriter {
    private final NSDictionary dict = new NSDictionary();

    DictWriter string(String key, String value) {
        return put(key, value == null ? null : new NSString(value));
    }

    DictWriter data(String key, byte[] value) {
        return put(key, value == null ? null : new NSData(value));
    }

    DictWriter bool(String key, Boolean value) {
        return put(key, value == null ? null : new NSNumber(value));
    }

    /** For keys whose YAML default is false: written only when true. */
    DictWriter flag(String key, boolean value) {
        return value ? put(key, new NSNumber(true)) : this;
    }

    DictWriter put(String key, NSObject value) {
        if (value != null) {
            dict.put(key, value);
        }
        return this;
    }

    NSDictionary build() {
        return dict;
    }
}
