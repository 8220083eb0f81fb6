package io.mdmsim.core.plist;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSSet;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain Java values to plist objects and back ({@link Plist#wrap}, {@link Plist#unwrap}). */
final class JavaValues {

    private JavaValues() {}

    /** See {@link Plist#wrap}; {@code path} names where a value is, for the error. */
    static NSObject wrap(Object v, String path) {
        return switch (v) {
            case null -> throw new IllegalArgumentException(at(path) + "null (plists have no null; leave the key out)");
            case NSObject o -> o;
            case String s -> new NSString(s);
            case Boolean b -> new NSNumber(b);
            case Integer i -> new NSNumber(i);
            case Long l -> new NSNumber(l);
            case Short s -> new NSNumber(s.intValue());
            case Byte b -> new NSNumber(b.intValue());
            case BigInteger b when b.bitLength() < 64 -> new NSNumber(b.longValue());
            case Double d -> new NSNumber(d);
            case Float f -> new NSNumber(f.doubleValue());
            case byte[] b -> new NSData(b);
            case Instant t -> new NSDate(Date.from(t));
            case Date d -> new NSDate(d);
            case Map<?, ?> m -> {
                NSDictionary d = new NSDictionary();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException(at(path) + "map key " + e.getKey()
                                + " (expected: a String key)");
                    }
                    d.put(key, wrap(e.getValue(), path.isEmpty() ? key : path + "." + key));
                }
                yield d;
            }
            case Collection<?> c -> {
                NSObject[] items = new NSObject[c.size()];
                int i = 0;
                for (Object e : c) {
                    items[i] = wrap(e, path + "[" + i + "]");
                    i++;
                }
                yield new NSArray(items);
            }
            case Object[] a -> wrap(List.of(a), path);
            default -> throw new IllegalArgumentException(at(path) + "a " + v.getClass().getName()
                    + " (expected: Map, Collection, String, Integer, Long, Double, Boolean, byte[], Instant or Date)");
        };
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    /** See {@link Plist#unwrap}. */
    static Object unwrap(NSObject o) {
        requireNonNull(o, "o");
        return switch (o) {
            case NSDictionary d -> {
                Map<String, Object> m = new LinkedHashMap<>();
                d.forEach((k, v) -> m.put(k, unwrap(v)));
                yield m;
            }
            case NSArray a -> {
                List<Object> l = new ArrayList<>(a.count());
                for (NSObject e : a.getArray()) {
                    l.add(unwrap(e));
                }
                yield l;
            }
            case NSSet s -> {
                List<Object> l = new ArrayList<>(s.count());
                for (NSObject e : s.allObjects()) {
                    l.add(unwrap(e));
                }
                yield l;
            }
            case NSString s -> s.getContent();
            case NSNumber n when n.isBoolean() -> n.boolValue();
            case NSNumber n when n.isInteger() -> n.longValue();
            case NSNumber n -> n.doubleValue();
            case NSData d -> d.bytes();
            case NSDate d -> d.getDate().toInstant();
            case UID u -> u.getBytes();
            default -> throw new IllegalArgumentException("unsupported plist object " + o.getClass().getName());
        };
    }
}
