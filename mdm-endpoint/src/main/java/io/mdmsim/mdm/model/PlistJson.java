package io.mdmsim.mdm.model;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSSet;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plist values to JSON values and back, for the admin API. Data is written as {@code {"$data": "<base64>"}} and dates
 * as {@code {"$date": "<ISO-8601>"}}, so both survive the round trip.
 */
public final class PlistJson {

    private PlistJson() {}

    public static Object toJson(NSObject o) {
        return switch (o) {
            case null -> null;
            case NSDictionary d -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Map.Entry<String, NSObject> e : d.entrySet()) {
                    m.put(e.getKey(), toJson(e.getValue()));
                }
                yield m;
            }
            case NSArray a -> {
                List<Object> l = new ArrayList<>(a.count());
                for (NSObject item : a.getArray()) {
                    l.add(toJson(item));
                }
                yield l;
            }
            case NSSet s -> {
                List<Object> l = new ArrayList<>(s.count());
                for (NSObject item : s.allObjects()) {
                    l.add(toJson(item));
                }
                yield l;
            }
            case NSString s -> s.getContent();
            case NSNumber n -> switch (n.type()) {
                case NSNumber.BOOLEAN -> n.boolValue();
                case NSNumber.INTEGER -> n.longValue();
                default -> n.doubleValue();
            };
            case NSData d -> Map.of("$data", Base64.getEncoder().encodeToString(d.bytes()));
            case NSDate d -> Map.of("$date", d.getDate().toInstant().toString());
            case UID u -> Map.of("$uid", Base64.getEncoder().encodeToString(u.getBytes()));
            default -> o.toString();
        };
    }

    /** JSON (as Jackson reads it into Maps/Lists) to a plist value; {@code path} names the value in error messages. */
    public static NSObject fromJson(Object v, String path) {
        return switch (v) {
            case null -> throw new BadInputException(path + ": null (expected: a value; plists have no null)");
            case Map<?, ?> m when m.size() == 1 && m.containsKey("$data") -> {
                Object b = m.get("$data");
                try {
                    yield new NSData(Base64.getDecoder().decode(String.valueOf(b)));
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(path + ".$data: not base64 (" + e.getMessage() + ")");
                }
            }
            case Map<?, ?> m when m.size() == 1 && m.containsKey("$date") -> {
                try {
                    yield new NSDate(java.util.Date.from(java.time.Instant.parse(String.valueOf(m.get("$date")))));
                } catch (java.time.format.DateTimeParseException e) {
                    throw new BadInputException(path + ".$date: " + m.get("$date")
                            + " (expected: an ISO-8601 instant such as 2025-01-01T00:00:00Z)");
                }
            }
            case Map<?, ?> m -> {
                NSDictionary d = new NSDictionary();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    d.put(key, fromJson(e.getValue(), path + "." + key));
                }
                yield d;
            }
            case List<?> l -> {
                NSObject[] items = new NSObject[l.size()];
                for (int i = 0; i < items.length; i++) {
                    items[i] = fromJson(l.get(i), path + "[" + i + "]");
                }
                yield new NSArray(items);
            }
            case String s -> new NSString(s);
            case Boolean b -> new NSNumber(b);
            case Integer i -> new NSNumber(i);
            case Long l -> new NSNumber(l);
            case java.math.BigInteger b -> new NSNumber(b.longValue());
            case Number n -> new NSNumber(n.doubleValue());
            default -> throw new BadInputException(path + ": unsupported value " + v.getClass().getSimpleName());
        };
    }
}
