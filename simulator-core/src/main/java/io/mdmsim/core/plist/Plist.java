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
import com.dd.plist.XMLPropertyListParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Property lists (Apple's "plist" format) over dd-plist: XML and binary in (auto-detected), XML or binary out.
 * ASCII/GNUstep plists are refused: nothing in device management sends them.
 *
 * <p>Every failure to read is a {@link PlistException} whose message says what was wrong, never a parser stack trace.
 */
public final class Plist {
    private static final String EXPECTED = "(expected: an XML or binary property list)";
    private static final byte[] BINARY_MAGIC = "bplist".getBytes(StandardCharsets.US_ASCII);
    private static final DocumentBuilderFactory XML = xmlFactory();
    /**
     * Parsers ready for reuse: making one (the factory's configuration, feature by feature) costs more than a small
     * parse, so each is reset and returned after use. Bounded: at most twice the cores are kept.
     */
    private static final java.util.concurrent.ArrayBlockingQueue<DocumentBuilder> BUILDERS =
            new java.util.concurrent.ArrayBlockingQueue<>(pooledSize());

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
        new Expansion(limits, data).visit(root, 1);
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
            if (looksLikeXml(data)) {
                return parseXml(data);
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
        checkXmlSafe(o, "");
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
        return wrap(javaValue, "");
    }

    /**
     * The inverse of {@link #wrap}: dictionary to {@code LinkedHashMap<String, Object>}, array to {@code List},
     * string, integer to {@code Long}, real to {@code Double}, boolean, data to {@code byte[]}, date to {@code Instant}.
     */
    public static Object unwrap(NSObject o) {
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

    // ---------------------------------------------------------------------------------------------- reading

    /** Walks a parsed plist as if every reference were expanded, stopping at the first limit passed. */
    private static final class Expansion {
        private final Limits limits;
        private final byte[] data;
        private long nodes;
        private long bytes;

        Expansion(Limits limits, byte[] data) {
            this.limits = limits;
            this.data = data;
        }

        void visit(NSObject o, int depth) {
            if (++nodes > limits.maxNodes()) {
                throw refuse("more than " + limits.maxNodes() + " nodes", "at most " + limits.maxNodes()
                        + " values, each reference to a shared value counted");
            }
            switch (o) {
                case NSDictionary d -> {
                    enter(depth);
                    for (Map.Entry<String, NSObject> e : d.entrySet()) {
                        count(e.getKey().length());
                        visit(e.getValue(), depth + 1);
                    }
                }
                case NSArray a -> {
                    enter(depth);
                    for (NSObject item : a.getArray()) {
                        visit(item, depth + 1);
                    }
                }
                case NSSet set -> {
                    enter(depth);
                    for (NSObject item : set.allObjects()) {
                        visit(item, depth + 1);
                    }
                }
                case NSString str -> count(str.getContent().length());
                case NSData d -> count(d.length());
                case null -> throw new PlistException("malformed plist: a null value (binary marker 0x00) at nesting"
                        + " level " + depth + " (expected: plists have no null; leave the key out)", data);
                default -> { }
            }
        }

        private void enter(int depth) {
            if (depth > limits.maxDepth()) {
                throw refuse("deeper than " + limits.maxDepth() + " levels", "at most " + limits.maxDepth()
                        + " levels of arrays and dictionaries");
            }
        }

        private void count(long n) {
            bytes += n;
            if (bytes > limits.maxExpandedBytes()) {
                throw refuse("more than " + limits.maxExpandedBytes() + " bytes of strings and data",
                        "at most " + limits.maxExpandedBytes() + " bytes, each reference to a shared value counted");
            }
        }

        private PlistException refuse(String what, String expected) {
            return new PlistException("plist too large: it expands to " + what + " (expected: " + expected + ")",
                    data);
        }
    }

    private static NSObject parseBinary(byte[] data) {
        try {
            return BinaryPropertyListParser.parse(data);
        } catch (PropertyListFormatException | IOException | RuntimeException e) {
            throw new PlistException("malformed plist: binary: " + describe(e) + " " + EXPECTED, data, e);
        }
    }

    private static NSObject parseXml(byte[] data) {
        Document doc;
        DocumentBuilder builder = null;
        try {
            builder = BUILDERS.poll();
            if (builder == null) {
                builder = newBuilder();
            }
            doc = builder.parse(new ByteArrayInputStream(data));
        } catch (SAXParseException e) {
            throw new PlistException("malformed plist: XML line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ": " + trimPeriod(e.getMessage()) + " " + EXPECTED, data, e);
        } catch (SAXException | IOException | ParserConfigurationException | RuntimeException e) {
            throw new PlistException("malformed plist: XML: " + describe(e) + " " + EXPECTED, data, e);
        } finally {
            if (builder != null) {
                recycle(builder);
            }
        }
        if (!"plist".equals(doc.getDocumentElement().getNodeName())) {
            throw new PlistException("malformed plist: XML root element is <" + doc.getDocumentElement().getNodeName()
                    + "> " + "(expected: <plist>)", data);
        }
        try {
            return XMLPropertyListParser.parse(doc);
        } catch (PropertyListFormatException | IOException | RuntimeException e) {
            throw new PlistException("malformed plist: XML: " + describe(e) + " " + EXPECTED, data, e);
        }
    }

    private static DocumentBuilder newBuilder() throws ParserConfigurationException {
        DocumentBuilder builder;
        synchronized (XML) { // a factory is not thread-safe
            builder = XML.newDocumentBuilder();
        }
        quiet(builder);
        return builder;
    }

    private static void quiet(DocumentBuilder builder) {
        builder.setErrorHandler(SILENT); // the default handler prints "[Fatal Error]" to stderr
        builder.setEntityResolver(NO_ENTITIES);
    }

    /** Back to the pool, as the factory made it (reset also drops the handlers, so they are set again). */
    private static void recycle(DocumentBuilder builder) {
        try {
            builder.reset();
            quiet(builder);
            BUILDERS.offer(builder); // a full pool: this one is left to the collector
        } catch (RuntimeException e) {
            // a builder that cannot be reset is not reused
        }
    }

    private static int pooledSize() {
        return Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
    }

    private static final org.xml.sax.EntityResolver NO_ENTITIES =
            (publicId, systemId) -> new InputSource(new ByteArrayInputStream(new byte[0]));

    private static DocumentBuilderFactory xmlFactory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setValidating(false);
        f.setIgnoringComments(true);
        f.setExpandEntityReferences(false);
        f.setXIncludeAware(false);
        try {
            // Untrusted input: no external entities or DTDs; the JDK's entity expansion limits stay on.
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser lacks a required security feature: " + e.getMessage(), e);
        }
        return f;
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private static boolean looksLikeXml(byte[] data) {
        int i = 0;
        if (data.length >= 2 && ((data[0] & 0xff) == 0xfe && (data[1] & 0xff) == 0xff
                || (data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0xfe)) {
            return true; // UTF-16 byte order mark
        }
        if (data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf) {
            i = 3; // UTF-8 byte order mark
        }
        while (i < data.length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
            i++;
        }
        return i < data.length && data[i] == '<';
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

    private static String describe(Throwable e) {
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

    private static String trimPeriod(String s) {
        s = s.strip();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    // ---------------------------------------------------------------------------------------------- writing

    private static NSObject wrap(Object v, String path) {
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

    /** XML 1.0 cannot carry most control characters; refuse them here rather than write a plist nobody can read. */
    private static void checkXmlSafe(NSObject o, String path) {
        switch (o) {
            case NSString s -> checkXmlText(s.getContent(), path.isEmpty() ? "string" : path);
            case NSDictionary d -> d.forEach((k, v) -> {
                String at = path.isEmpty() ? k : path + "." + k;
                checkXmlText(k, "key " + at);
                checkXmlSafe(v, at);
            });
            case NSArray a -> {
                NSObject[] items = a.getArray();
                for (int i = 0; i < items.length; i++) {
                    checkXmlSafe(items[i], path + "[" + i + "]");
                }
            }
            default -> {}
        }
    }

    private static void checkXmlText(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' || ch == 0xfffe || ch == 0xffff) {
                throw new IllegalArgumentException(what + String.format(
                        ": contains U+%04X, which an XML plist cannot carry", (int) ch)
                        + " (expected: text without control characters; send it as <data> or in a binary plist)");
            }
        }
    }
}
