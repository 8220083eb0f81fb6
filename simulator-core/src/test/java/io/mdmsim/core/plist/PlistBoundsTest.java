package io.mdmsim.core.plist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import io.mdmsim.core.testing.HostilePlists;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The work a plist can cause is bounded by what it expands to, not by its size on the wire: a binary plist may name
 * one object many times, so a few hundred bytes can stand for billions of nodes once rendered as XML or JSON.
 */
class PlistBoundsTest {

    @Test
    void aDagReportOf26LevelsIsRefusedNamingTheLimit() {
        byte[] dag = HostilePlists.dagReport("UDID-1", "CMD-1", 26);
        assertTrue(dag.length < 512, "a few hundred bytes: " + dag.length);
        PlistException e = assertThrows(PlistException.class, () -> Plist.parse(dag));
        assertTrue(e.getMessage().contains("nodes") && e.getMessage().contains("expected: at most"), e.getMessage());
    }

    @Test
    void aSmallDagWithinTheBoundsStillParses() {
        NSDictionary d = assertInstanceOf(NSDictionary.class, Plist.parse(HostilePlists.dagReport("U", "C", 8)));
        assertEquals("Acknowledged", d.get("Status").toJavaObject());
        assertInstanceOf(NSArray.class, d.get("Payload"));
    }

    @Test
    void theLimitsAreNodesExpandedBytesAndDepth() {
        Plist.Limits tight = new Plist.Limits(10, 1_000, 3);
        byte[] wide = Plist.toBinary(Plist.wrap(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
        PlistException nodes = assertThrows(PlistException.class, () -> Plist.parse(wide, tight));
        assertTrue(nodes.getMessage().contains("more than 10 nodes"), nodes.getMessage());

        byte[] big = Plist.toXml(Plist.wrap(Map.of("k", "x".repeat(2_000))));
        PlistException bytes = assertThrows(PlistException.class, () -> Plist.parse(big, tight));
        assertTrue(bytes.getMessage().contains("more than 1000 bytes"), bytes.getMessage());

        byte[] deep = Plist.toBinary(Plist.wrap(List.of(List.of(List.of(List.of("x"))))));
        PlistException depth = assertThrows(PlistException.class, () -> Plist.parse(deep, tight));
        assertTrue(depth.getMessage().contains("deeper than 3 levels"), depth.getMessage());
    }

    @Test
    void defaultsLeaveRoomForLargeRealReports() {
        // 20,000 installed apps of 8 keys each, written by a writer that shares equal values (as Apple's does)
        List<Object> apps = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            apps.add(Map.of("Identifier", "com.example.app" + i, "Name", "App " + i, "Version", "1.0",
                    "ShortVersion", "1.0", "BundleSize", 1_000_000, "DynamicSize", 0, "IsValidated", true,
                    "Installing", false));
        }
        NSObject report = Plist.wrap(Map.of("UDID", "U", "Status", "Acknowledged", "CommandUUID", "C",
                "InstalledApplicationList", apps));
        byte[] binary = Plist.toBinary(report);
        assertEquals(report, Plist.parse(binary));
        assertEquals(report, Plist.parse(Plist.toXml(report)));
        assertTrue(new String(Plist.toXml(report), StandardCharsets.UTF_8).length() > 1_000_000);
    }
}
