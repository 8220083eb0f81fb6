package io.mdmsim.core.plist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlistTest {
    private static final String HEADER = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            """;

    private static byte[] xml(String body) {
        return (HEADER + body).getBytes(StandardCharsets.UTF_8);
    }

    private static NSDictionary sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("String", "a < b & c > d ]]> e");
        m.put("Integer", 42);
        m.put("Long", Long.MIN_VALUE);
        m.put("Real", 0.25);
        m.put("Bool", true);
        m.put("Data", new byte[] {0, 1, 2, (byte) 0xff});
        m.put("Date", Instant.parse("2024-10-21T09:41:07Z"));
        m.put("Array", List.of("x", 1, false));
        m.put("Dict", Map.of("Inner", "value"));
        return (NSDictionary) Plist.wrap(m);
    }

    // ---------------------------------------------------------------------------------------------- happy paths

    @Test
    void parsesXmlAndBinaryAlike() {
        NSDictionary d = sample();
        assertEquals(d, Plist.parse(Plist.toXml(d)));
        assertEquals(d, Plist.parse(Plist.toBinary(d)));
        assertEquals(d, Plist.parseDictionary(Plist.toBinary(d)));
    }

    @Test
    void xmlOutputHasAppleHeaderAndKeepsKeyOrder() {
        String x = new String(Plist.toXml(sample()), StandardCharsets.UTF_8);
        assertTrue(x.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC"), x);
        assertTrue(x.contains("<plist version=\"1.0\">"), x);
        assertTrue(x.indexOf("<key>String</key>") < x.indexOf("<key>Integer</key>"), x);
        assertTrue(x.indexOf("<key>Array</key>") < x.indexOf("<key>Dict</key>"), x);
    }

    @Test
    void binaryOutputIsBplist00() {
        byte[] b = Plist.toBinary(sample());
        assertEquals("bplist00", new String(b, 0, 8, StandardCharsets.US_ASCII));
    }

    @Test
    void markupInStringsSurvivesXml() {
        // dd-plist writes such strings as CDATA; "]]>" inside would end a CDATA section early.
        for (String s : List.of("]]>", "a]]>b<c&d", "<![CDATA[x]]>", "&amp;", "\"'")) {
            NSString parsed = (NSString) Plist.parse(Plist.toXml(new NSString(s)));
            assertEquals(s, parsed.getContent());
        }
    }

    @Test
    void whitespaceInStringsIsKept() {
        for (String s : List.of("  padded  ", "\tTab", "line1\nline2", " ")) {
            assertEquals(s, ((NSString) Plist.parse(Plist.toXml(new NSString(s)))).getContent());
            assertEquals(s, ((NSString) Plist.parse(Plist.toBinary(new NSString(s)))).getContent());
        }
    }

    @Test
    void xmlNormalizesLineEndsLikeEveryXmlPlist() {
        // XML 1.0 turns CR LF into LF when reading (Python's plistlib even does so when writing); binary keeps it.
        NSString crlf = new NSString("crlf\r\nend");
        assertEquals("crlf\nend", ((NSString) Plist.parse(Plist.toXml(crlf))).getContent());
        assertEquals("crlf\r\nend", ((NSString) Plist.parse(Plist.toBinary(crlf))).getContent());
    }

    @Test
    void acceptsByteOrderMarkAndLeadingWhitespace() {
        byte[] body = xml("<plist version=\"1.0\"><string>x</string></plist>");
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xef;
        withBom[1] = (byte) 0xbb;
        withBom[2] = (byte) 0xbf;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertEquals(new NSString("x"), Plist.parse(withBom));
        assertEquals(new NSString("y"), Plist.parse("\n  <plist><string>y</string></plist>".getBytes(
                StandardCharsets.UTF_8)));
    }

    @Test
    void parsesOldAppleComputerDoctypeWithoutNetwork() {
        byte[] body = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0"><dict><key>k</key><integer>7</integer></dict></plist>
                """.getBytes(StandardCharsets.UTF_8);
        assertEquals(new NSNumber(7), Plist.parseDictionary(body).get("k"));
    }

    // ---------------------------------------------------------------------------------------------- wrap / unwrap

    @Test
    void wrapsJavaValues() {
        NSDictionary d = sample();
        assertEquals(new NSString("a < b & c > d ]]> e"), d.get("String"));
        assertEquals(new NSNumber(42), d.get("Integer"));
        assertEquals(new NSNumber(Long.MIN_VALUE), d.get("Long"));
        assertEquals(new NSNumber(0.25), d.get("Real"));
        assertEquals(new NSNumber(true), d.get("Bool"));
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, ((NSData) d.get("Data")).bytes());
        assertEquals(Date.from(Instant.parse("2024-10-21T09:41:07Z")), ((NSDate) d.get("Date")).getDate());
        assertEquals(new NSArray(new NSString("x"), new NSNumber(1), new NSNumber(false)), d.get("Array"));
        assertEquals(new NSString("value"), ((NSDictionary) d.get("Dict")).get("Inner"));
        assertEquals(List.of("String", "Integer", "Long", "Real", "Bool", "Data", "Date", "Array", "Dict"),
                List.of(d.allKeys()));
    }

    @Test
    void wrapPassesNsObjectsThrough() {
        NSString s = new NSString("same");
        assertSame(s, Plist.wrap(s));
    }

    @Test
    void unwrapIsTheInverseOfWrap() {
        Object java = Plist.unwrap(sample());
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) java;
        assertEquals("a < b & c > d ]]> e", m.get("String"));
        assertEquals(42L, m.get("Integer"));
        assertEquals(0.25, m.get("Real"));
        assertEquals(true, m.get("Bool"));
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, (byte[]) m.get("Data"));
        assertEquals(Instant.parse("2024-10-21T09:41:07Z"), m.get("Date"));
        assertEquals(List.of("x", 1L, false), m.get("Array"));
        assertEquals(Map.of("Inner", "value"), m.get("Dict"));
        assertEquals(sample(), Plist.wrap(java));
    }

    @Test
    void wrapRefusesNullNamingWhere() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Outer", Arrays.asList("ok", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plist.wrap(m));
        assertTrue(e.getMessage().startsWith("Outer[1]: null"), e.getMessage());
        assertTrue(e.getMessage().contains("plists have no null"), e.getMessage());
    }

    @Test
    void wrapRefusesUnsupportedTypesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plist.wrap(Map.of("When", new Object())));
        assertTrue(e.getMessage().startsWith("When: a java.lang.Object (expected: Map, Collection, String"),
                e.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> Plist.wrap(Map.of(1, "x")));
        assertTrue(key.getMessage().contains("map key 1 (expected: a String key)"), key.getMessage());
    }

    @Test
    void typeNamesFollowAppleSchemas() {
        assertEquals("<string>", Plist.typeName(new NSString("")));
        assertEquals("<integer>", Plist.typeName(new NSNumber(1)));
        assertEquals("<real>", Plist.typeName(new NSNumber(1.5)));
        assertEquals("<boolean>", Plist.typeName(new NSNumber(true)));
        assertEquals("<data>", Plist.typeName(new NSData(new byte[0])));
        assertEquals("<date>", Plist.typeName(new NSDate(new Date(0))));
        assertEquals("<array>", Plist.typeName(new NSArray(0)));
        assertEquals("<dictionary>", Plist.typeName(new NSDictionary()));
        assertEquals("null", Plist.typeName(null));
    }

    @Test
    void toXmlRefusesControlCharactersXmlCannotCarry() {
        NSDictionary d = new NSDictionary();
        d.put("Name", "bell\u0007");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plist.toXml(d));
        assertTrue(e.getMessage().startsWith("Name: contains U+0007, which an XML plist cannot carry"), e.getMessage());
        // ... while a binary plist carries them.
        assertEquals(d, Plist.parse(Plist.toBinary(d)));
    }

    // ---------------------------------------------------------------------------------------------- bad input

    @Test
    void emptyBody() {
        PlistException e = assertThrows(PlistException.class, () -> Plist.parse(new byte[0]));
        assertEquals("malformed plist: empty body (expected: an XML or binary property list)", e.getMessage());
        assertEquals(0, e.raw().length);
    }

    @Test
    void malformedXmlSaysWhereAndWhat() {
        byte[] body = xml("<plist version=\"1.0\"><dict><key>a</key><string>x</dict></plist>");
        PlistException e = assertThrows(PlistException.class, () -> Plist.parse(body));
        assertTrue(e.getMessage().startsWith("malformed plist: XML line 3, column "), e.getMessage());
        assertTrue(e.getMessage().contains("\"string\" must be terminated by the matching end-tag"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(expected: an XML or binary property list)"), e.getMessage());
        assertSame(body, e.raw());
    }

    @Test
    void malformedXmlPrintsNothingToStderr() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThrows(PlistException.class, () -> Plist.parse("<plist><dict>".getBytes(StandardCharsets.UTF_8)));
        } finally {
            System.setErr(original);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void xmlWithValuesThatAreNotTheirType() {
        PlistException e = assertThrows(PlistException.class,
                () -> Plist.parse(xml("<plist version=\"1.0\"><dict><key>n</key><integer>ten</integer></dict></plist>")));
        assertTrue(e.getMessage().startsWith("malformed plist: XML: The integer node at /plist/dict/*[2] could not be"
                + " parsed"), e.getMessage());
        PlistException key = assertThrows(PlistException.class,
                () -> Plist.parse(xml("<plist version=\"1.0\"><dict><key>lonely</key></dict></plist>")));
        assertTrue(key.getMessage().startsWith("malformed plist: XML: The dict node at /plist/dict could not be parsed"),
                key.getMessage());
    }

    @Test
    void xmlThatIsNotAPlist() {
        PlistException e = assertThrows(PlistException.class,
                () -> Plist.parse("<html><body>Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8)));
        assertEquals("malformed plist: XML root element is <html> (expected: <plist>)", e.getMessage());
    }

    @Test
    void truncatedBinary() {
        byte[] full = Plist.toBinary(sample());
        for (int length : new int[] {full.length - 1, full.length - 20, full.length / 2, 12, 8, 6}) {
            byte[] cut = Arrays.copyOf(full, length);
            PlistException e = assertThrows(PlistException.class, () -> Plist.parse(cut), "length " + length);
            assertTrue(e.getMessage().startsWith("malformed plist: binary: "), e.getMessage());
            assertTrue(e.getMessage().endsWith("(expected: an XML or binary property list)"), e.getMessage());
            assertFalse(e.getMessage().contains("\n\tat "), e.getMessage());
            assertSame(cut, e.raw());
        }
    }

    @Test
    void corruptBinary() {
        byte[] b = Plist.toBinary(sample());
        for (int i = 8; i < b.length - 32; i++) {
            b[i] = (byte) 0xff;
        }
        PlistException e = assertThrows(PlistException.class, () -> Plist.parse(b));
        assertTrue(e.getMessage().startsWith("malformed plist: binary: "), e.getMessage());
    }

    @Test
    void everyTruncationOfABinaryPlistFailsCleanly() {
        // Whatever dd-plist throws inside (including runtime exceptions), the caller sees a PlistException.
        byte[] full = Plist.toBinary(sample());
        for (int length = 0; length < full.length; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            assertThrows(PlistException.class, () -> Plist.parse(cut), "length " + length);
        }
    }

    @Test
    void textThatIsNeitherXmlNorBinary() {
        PlistException e = assertThrows(PlistException.class,
                () -> Plist.parse("{\"json\": true}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("malformed plist: starts with \"{\"json\": true}\", neither \"<\" (XML) nor \"bplist\" (binary)"
                + " (expected: an XML or binary property list)", e.getMessage());
        PlistException bin = assertThrows(PlistException.class, () -> Plist.parse(new byte[] {0, 1, 2, (byte) 0xff}));
        assertTrue(bin.getMessage().startsWith("malformed plist: starts with 0x000102ff,"), bin.getMessage());
    }

    @Test
    void asciiPlistsAreRefused() {
        // dd-plist would read this OpenStep form; nothing in device management sends it.
        assertThrows(PlistException.class, () -> Plist.parse("{ a = b; }".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rootNotADictionary() {
        PlistException e = assertThrows(PlistException.class,
                () -> Plist.parseDictionary(Plist.toXml(new NSArray(new NSString("x")))));
        assertEquals("plist root is <array> (expected: <dictionary>)", e.getMessage());
        PlistException s = assertThrows(PlistException.class,
                () -> Plist.parseDictionary(Plist.toBinary(new NSString("x"))));
        assertEquals("plist root is <string> (expected: <dictionary>)", s.getMessage());
    }

    @Test
    void externalEntitiesAreNotRead(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET");
        byte[] body = ("<?xml version=\"1.0\"?>\n<!DOCTYPE plist [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<plist version=\"1.0\"><string>&x;</string></plist>").getBytes(StandardCharsets.UTF_8);
        try {
            NSObject o = Plist.parse(body);
            assertFalse(o.toXMLPropertyList().contains("TOP-SECRET"), o.toXMLPropertyList());
        } catch (PlistException e) {
            assertFalse(e.getMessage().contains("TOP-SECRET"), e.getMessage());
        }
    }

    @Test
    void entityExpansionBombIsHarmless() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE plist [<!ENTITY a0 \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">");
        for (int i = 1; i < 12; i++) {
            dtd.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        byte[] body = ("<?xml version=\"1.0\"?>\n" + dtd + "<plist version=\"1.0\"><string>&a11;</string></plist>")
                .getBytes(StandardCharsets.UTF_8);
        try {
            NSObject o = Plist.parse(body);
            assertTrue(((NSString) o).getContent().length() < 1_000_000);
        } catch (PlistException e) {
            assertTrue(e.getMessage().startsWith("malformed plist: XML"), e.getMessage());
        }
    }

    @Test
    void deepNestingFailsCleanly() {
        String deep = "<array>".repeat(200_000) + "</array>".repeat(200_000);
        Throwable t = assertThrows(Throwable.class,
                () -> Plist.parse(("<plist version=\"1.0\">" + deep + "</plist>").getBytes(StandardCharsets.UTF_8)));
        assertInstanceOf(PlistException.class, t);
    }
}
