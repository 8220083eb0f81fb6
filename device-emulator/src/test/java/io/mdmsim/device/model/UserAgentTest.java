package io.mdmsim.device.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/DESIGN.md "Device identity before MachineInfo": the User-Agent of a device before enrollment names its family and OS version. */
class UserAgentTest {

    @Test
    void iphoneNamesIphoneOsWithUnderscores() {
        String ua = UserAgent.of("iPhone15,2", "17.5");
        assertTrue(ua.startsWith("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "), ua);
        assertTrue(ua.contains("AppleWebKit/"), ua);
    }

    @Test
    void ipadNamesCpuOs() {
        String ua = UserAgent.of("iPad13,1", "16.7.2");
        assertTrue(ua.startsWith("Mozilla/5.0 (iPad; CPU OS 16_7_2 like Mac OS X) "), ua);
        assertTrue(!ua.contains("iPhone"), ua);
    }

    @Test
    void unknownOrMissingValuesStillGiveAnIosLikeAgent() {
        assertTrue(UserAgent.of(null, null).startsWith("Mozilla/5.0 (iPhone; CPU iPhone OS 0 like Mac OS X)"));
        assertTrue(UserAgent.of("IPAD7,5", " 12.5 ").startsWith("Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X)"));
    }

    @Test
    void platformIsReadableTheWayTheMdmReadsIt() {
        // docs/mdm-endpoint.md "Enrollment policy": "(iPhone;" → iOS, "(iPad;" → iPadOS
        assertTrue(UserAgent.of("iPhone10,6", "15.0").contains("(iPhone;"));
        assertTrue(UserAgent.of("iPad8,1", "15.0").contains("(iPad;"));
        assertEquals(-1, UserAgent.of("iPad8,1", "15.0").indexOf("(iPhone;"));
    }
}
