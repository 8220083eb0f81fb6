package io.mdmsim.core.plist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.testing.Fixtures;
import io.mdmsim.core.testing.TaggedPlist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plists written by Python's plistlib and converted by libplist's plistutil (committed files, see
 * {@code fixtures/make_fixtures.py}), so these run without either tool installed.
 */
class PlistFixturesTest {

    static Stream<Path> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(Fixtures.plistFixtures())) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".xml") || p.toString().endsWith(".bin"))
                    .sorted().toList();
            assertTrue(files.size() >= 20, "fixtures: " + files);
            return files.stream();
        }
    }

    private static Path expectedJson(Path fixture) {
        String name = fixture.getFileName().toString();
        return fixture.resolveSibling(name.substring(0, name.indexOf('.')) + ".expected.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodesToWhatTheToolWrote(Path fixture) throws IOException {
        NSObject o = Plist.parse(Files.readAllBytes(fixture));
        assertEquals(TaggedPlist.read(expectedJson(fixture)), TaggedPlist.of(o));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void roundTripsThroughXmlAndBinary(Path fixture) throws IOException {
        NSObject o = Plist.parse(Files.readAllBytes(fixture));
        assertEquals(o, Plist.parse(Plist.toXml(o)));
        assertEquals(o, Plist.parse(Plist.toBinary(o)));
        assertEquals(TaggedPlist.of(o), TaggedPlist.of(Plist.parse(Plist.toBinary(Plist.parse(Plist.toXml(o))))));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kitchen-sink.python.xml", "kitchen-sink.python.bin", "kitchen-sink.plistutil.xml",
            "kitchen-sink.plistutil.bin"})
    void kitchenSinkValues(String name) {
        NSDictionary d = Plist.parseDictionary(Fixtures.plistFixture(name));
        assertEquals(new NSString("hello"), d.get("String"));
        assertEquals(new NSString(""), d.get("EmptyString"));
        assertEquals(new NSString("  two spaces each side  "), d.get("Padded"));
        assertEquals(new NSString("line one\nline two"), d.get("Multiline"));
        assertEquals(new NSString("a < b && c > d \"quoted\" 'single' ]]> end"), d.get("Markup"));
        assertEquals(new NSString("Grüße, 日本語, emoji 😀"), d.get("Unicode"));
        assertEquals(0L, ((NSNumber) d.get("Zero")).longValue());
        assertEquals(-42L, ((NSNumber) d.get("Negative")).longValue());
        assertEquals(Long.MAX_VALUE, ((NSNumber) d.get("LongMax")).longValue());
        assertEquals(Long.MIN_VALUE, ((NSNumber) d.get("LongMin")).longValue());
        assertTrue(((NSNumber) d.get("LongMin")).isInteger());
        assertEquals(0.1, ((NSNumber) d.get("Real")).doubleValue());
        assertTrue(((NSNumber) d.get("Real")).isReal());
        assertEquals(-2.5, ((NSNumber) d.get("NegativeReal")).doubleValue());
        assertEquals(1e300, ((NSNumber) d.get("BigReal")).doubleValue());
        assertEquals(new NSNumber(true), d.get("True"));
        assertEquals(new NSNumber(false), d.get("False"));
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertArrayEquals(all, ((NSData) d.get("Data")).bytes());
        assertEquals(0, ((NSData) d.get("EmptyData")).length());
        assertEquals(Instant.parse("2024-10-21T09:41:07Z"), ((NSDate) d.get("Date")).getDate().toInstant());
        NSArray array = (NSArray) d.get("Array");
        assertEquals(4, array.count());
        assertEquals(new NSString("dict"), ((NSDictionary) array.objectAtIndex(3)).get("nested"));
        assertEquals(0, ((NSArray) d.get("EmptyArray")).count());
        NSDictionary inner = (NSDictionary) ((NSDictionary) d.get("Dict")).get("Inner");
        assertEquals(new NSArray(new NSNumber(1), new NSNumber(2), new NSNumber(3)), inner.get("Deeper"));
        assertEquals(0, ((NSDictionary) d.get("EmptyDict")).count());
    }
}
