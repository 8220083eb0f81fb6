package io.mdmsim.core.plist;

import static java.util.Objects.requireNonNull;

import com.dd.plist.BinaryPropertyListParser;
import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSSet;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListFormatException;
import com.dd.plist.UID;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Property lists (Apple's "plist" format) over dd-plist: XML and binary in (auto-detected), XML or binary out.
 * ASCII/GNUstep plists are refused: nothing in device management sends them.
 *
 * <p>Every failure to read is a {@link PlistException} whose message says what was wrong, never a parser stack trace.
 * The entry point of the package: XML parsing and XML-safe text live in {@code XmlPlist}, the expansion limits in
 * {@code PlistExpansion}, Java values to plists and back in {@code JavaValues} (package-private).
 */
public final class Plist {
    static final String EXPECTED = "(expected: an XML or binary property list)";
    private static final byte[] BINARY_MAGIC = "bplist".getBytes(StandardCharsets.US_ASCII);

    private Plist() {}

    /**
     * How much a parsed plist may expand to, counted as if every reference were written out in full (a binary plist
     * may name one object many times, so its expansion, not its size, is the work that rendering it as XML or JSON
     * costs).
     *
     * @param maxNodes         values of any type, each reference counted
     * @param maxExpandedBytes characters of strings and keys plus bytes of data, each reference counted
     * @param maxDepth         nesting of arrays and dictionaries (the root is level 1)
     */
    public record Limits(long maxNodes, long maxExpandedBytes, int maxDepth) {

        /**
         * 2,000,000 nodes, 64 MiB, 128 levels: room for the largest real reports (tens of thousands of installed
         * apps, written by a writer that shares equal values) and far below what would hurt a server.
         */
        public static final Limits DEFAULT = new Limits(2_000_000, 64L * 1024 * 1024, 128);

        public Limits {
            if (maxNodes < 1 || maxExpandedBytes < 0 || maxDepth < 1) {
                throw new IllegalArgumentException("limits: " + maxNodes + " nodes, " + maxExpandedBytes + " bytes, "
                        + maxDepth + " levels (expected: >= 1, >= 0, >= 1)");
            }
        }
    }

    /** Parses an XML or binary plist (detected from its first bytes) within {@link Limits#DEFAULT}. */
    public static NSObject parse(byte[] data) {
        return parse(data, Limits.DEFAULT);
    }

    /** Parses an XML or binary plist within {@code limits}; past them, a {@link PlistException} names the limit. */
    public static NSObject parse(byte[] data, Limits limits) {
        requireNonNull(limits, "limits");
        NSObject root = parseUnchecked(data);
        new PlistExpansion(limits, data).visit(root, 1);
        return root;
    }

    private static NSObject parseUnchecked(byte[] data) {
        requireNonNull(data, "data");
        if (data.length == 0) {
            throw new PlistException("malformed plist: empty body " + EXPECTED, data);
        }
        try {
            if (startsWith(data, BINARY_MAGIC)) {
                return parseBinary(data);
            }
            if (XmlPlist.looksLikeXml(data)) {
                return XmlPlist.parse(data);
            }
        } catch (StackOverflowError e) {
            throw new PlistException("malformed plist: nested too deeply " + EXPECTED, data);
        }
        throw new PlistException("malformed plist: starts with " + preview(data)
                + ", neither \"<\" (XML) nor \"bplist\" (binary) " + EXPECTED, data);
    }

    /** Parses a plist whose root must be a dictionary. */
    public static NSDictionary parseDictionary(byte[] data) {
        NSObject root = parse(data);
        if (root instanceof NSDictionary dict) {
            return dict;
        }
        throw new PlistException("plist root is " + typeName(root) + " (expected: <dictionary>)", data);
    }

    /** XML plist, UTF-8, with Apple's header and DOCTYPE. */
    public static byte[] toXml(NSObject o) {
        requireNonNull(o, "o");
        XmlPlist.checkWritable(o, "");
        return o.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
    }

    /** Binary plist ({@code bplist00}). */
    public static byte[] toBinary(NSObject o) {
        requireNonNull(o, "o");
        try {
            return BinaryPropertyListWriter.writeToArray(o);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write binary plist: " + e.getMessage(), e);
        }
    }

    /**
     * Converts plain Java values to plist objects: {@code Map<String, ?>} (iteration order kept), {@code Collection},
     * {@code Object[]}, {@code String}, {@code Integer}/{@code Long}/{@code Short}/{@code Byte}/{@code BigInteger}
     * (64-bit range), {@code Float}/{@code Double}, {@code Boolean}, {@code byte[]}, {@code Instant}, {@code Date}
     * and {@code NSObject} (as is). Plists have no null: a null anywhere is refused, naming where it was.
     */
    public static NSObject wrap(Object javaValue) {
        return JavaValues.wrap(javaValue, "");
    }

    /**
     * The inverse of {@link #wrap}: dictionary to {@code LinkedHashMap<String, Object>}, array to {@code List},
     * string, integer to {@code Long}, real to {@code Double}, boolean, data to {@code byte[]}, date to {@code Instant}.
     */
    public static Object unwrap(NSObject o) {
        return JavaValues.unwrap(o);
    }

    /**
     * The plist type of {@code o} as Apple's schemas spell it: {@code <string>}, {@code <integer>}, {@code <real>},
     * {@code <boolean>}, {@code <data>}, {@code <date>}, {@code <array>}, {@code <dictionary>}; "null" for null.
     */
    public static String typeName(NSObject o) {
        return switch (o) {
            case null -> "null";
            case NSDictionary d -> "<dictionary>";
            case NSArray a -> "<array>";
            case NSString s -> "<string>";
            case NSNumber n when n.isBoolean() -> "<boolean>";
            case NSNumber n when n.isInteger() -> "<integer>";
            case NSNumber n -> "<real>";
            case NSData d -> "<data>";
            case NSDate d -> "<date>";
            case NSSet s -> "<set>";
            case UID u -> "<uid>";
            default -> "<" + o.getClass().getSimpleName() + ">";
        };
    }

    private static NSObject parseBinary(byte[] data) {
        try {
            return BinaryPropertyListParser.parse(data);
        } catch (PropertyListFormatException | IOException | RuntimeException e) {
            throw new PlistException("malformed plist: binary: " + describe(e) + " " + EXPECTED, data, e);
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first bytes, as text if they are printable ASCII, else as hex. */
    static String preview(byte[] data) {
        int n = Math.min(data.length, 16);
        boolean printable = true;
        for (int i = 0; i < n; i++) {
            printable &= data[i] >= 0x20 && data[i] < 0x7f;
        }
        String head = printable
                ? "\"" + new String(data, 0, n, StandardCharsets.US_ASCII) + "\""
                : "0x" + HexFormat.of().formatHex(data, 0, n);
        return head + (data.length > n ? "..." : "");
    }

    /** The messages of a parser exception and its causes, without repeats. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        String last = null;
        for (Throwable t = e; t != null && sb.length() < 300; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof RuntimeException && !(t instanceof IllegalArgumentException)) {
                m = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
            }
            if (m == null || m.equals(last)) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(": ");
            }
            sb.append(trimPeriod(m));
            last = m;
        }
        return sb.isEmpty() ? e.getClass().getSimpleName() : sb.toString();
    }

    static String trimPeriod(String s) {
        s = s.strip();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
