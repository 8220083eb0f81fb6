package io.mdmsim.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import io.mdmsim.core.testing.Fixtures;
import io.mdmsim.core.testing.TaggedPlist;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CheckinCodecTest {
    private static final String TOPIC = "com.apple.mgmt.External.5b0c7a38-8b3c-4c49-9f55-0f0d2b7c1a11";
    private static final String UDID = "00008030-001A2B3C4D5E6F70";

    // ---------------------------------------------------------------------------------------------- decoding fixtures

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python.xml", "python.bin", "plistutil.xml", "plistutil.bin"})
    void decodesAuthenticateAsAnIphoneSendsIt(String form) {
        byte[] body = Fixtures.plistFixture("authenticate." + form);
        Authenticate a = assertInstanceOf(Authenticate.class, CheckinCodec.decode(body));
        assertEquals(new Authenticate(TOPIC, UDID, null, "F2LXK0ABCDEF", "iPhone15,2", "17.4.1", "21E236",
                "35 123456 789012 3", "35123456789012", null, null, null, null), a);
        assertEquals("Authenticate", a.messageType());
        assertSame(body, a.raw());
        assertEquals(UDID, a.identity());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python.xml", "python.bin", "plistutil.xml", "plistutil.bin"})
    void decodesTokenUpdate(String form) {
        TokenUpdate t = assertInstanceOf(TokenUpdate.class,
                CheckinCodec.decode(Fixtures.plistFixture("tokenupdate." + form)));
        assertEquals(TOPIC, t.topic());
        assertEquals(UDID, t.udid());
        assertNull(t.enrollmentId());
        assertArrayEquals(HexFormat.of().parseHex("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"),
                t.token());
        assertEquals("7A3C2E1F-0B9D-4C8E-A6F5-4D3C2B1A0F9E", t.pushMagic());
        assertEquals(64, t.unlockToken().length);
        assertTrue(t.awaitingConfiguration());
        assertNull(t.userId());
        assertNull(t.notOnConsole());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python.xml", "python.bin", "plistutil.xml", "plistutil.bin"})
    void decodesUserEnrollmentCheckOut(String form) {
        CheckOut c = assertInstanceOf(CheckOut.class, CheckinCodec.decode(Fixtures.plistFixture("checkout." + form)));
        assertEquals(new CheckOut(TOPIC, null, "D7E4F1B2-8C6A-4E3D-9B1F-2A5C7E9D0B13", null), c);
        assertNull(c.udid());
        assertEquals("D7E4F1B2-8C6A-4E3D-9B1F-2A5C7E9D0B13", c.identity());
    }

    // ---------------------------------------------------------------------------------------------- round trips

    static Stream<CheckinMessage> messages() {
        byte[] token = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        return Stream.of(
                Authenticate.forDevice(TOPIC, UDID, "F2LXK0ABCDEF", "iPhone15,2", "17.4.1", "21E236", null, null),
                new Authenticate(TOPIC, null, "enrollment-1", null, null, "14.4", "23E214", null, null, "Mac",
                        "Mac14,2", "MacBook Air", null),
                TokenUpdate.forDevice(TOPIC, UDID, token, "magic", new byte[] {1, 2, 3}, true),
                TokenUpdate.forDevice(TOPIC, UDID, token, "magic", null, false),
                new TokenUpdate(TOPIC, UDID, null, token, "magic", null, false, "uid-501", "ana", "Ana Example",
                        "user-enrollment-9", false, null),
                CheckOut.forDevice(TOPIC, UDID),
                new UserAuthenticate(UDID, "user-guid", null, null),
                new UserAuthenticate(UDID, "user-guid", "digest-response", null),
                new SetBootstrapToken(UDID, "bootstrap".getBytes(StandardCharsets.UTF_8), true, null),
                new SetBootstrapToken(null, null, false, null),
                new GetBootstrapToken(UDID, false, null),
                new GetToken("com.apple.watch.pairing", new GetToken.TokenParameters("sec", "phone", "watch"), UDID,
                        null, null, null, null, null, null),
                new GetToken("com.apple.maid", null, null, "enrollment-2", "user-2", "ana", "uid", "Ana", null),
                new DeclarativeManagement("tokens", null, UDID, null, null, null, null, null, null),
                new DeclarativeManagement("status", "{\"StatusItems\":{}}".getBytes(StandardCharsets.UTF_8), null,
                        "enrollment-3", null, null, null, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void encodeThenDecodeGivesAnEqualMessage(CheckinMessage m) {
        byte[] xml = CheckinCodec.encode(m);
        assertTrue(new String(xml, StandardCharsets.UTF_8).startsWith("<?xml"), "XML plist");
        CheckinMessage back = CheckinCodec.decode(xml);
        assertEquals(m, back);
        assertEquals(m.hashCode(), back.hashCode());
        assertSame(xml, back.raw());
        assertEquals(m, CheckinCodec.decode(Plist.toBinary(CheckinCodec.toDictionary(m))), "from binary too");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void messageTypeComesFirstAndAbsentValuesAreLeftOut(CheckinMessage m) {
        NSDictionary d = CheckinCodec.toDictionary(m);
        assertEquals("MessageType", d.allKeys()[0]);
        assertEquals(new NSString(m.messageType()), d.get("MessageType"));
        String xml = new String(CheckinCodec.encode(m), StandardCharsets.UTF_8);
        assertFalse(xml.contains("<string></string>"), xml);
    }

    @Test
    void awaitingConfigurationIsWrittenOnlyWhenTrue() {
        byte[] token = new byte[32];
        assertFalse(CheckinCodec.toDictionary(TokenUpdate.forDevice(TOPIC, UDID, token, "m", null, false))
                .containsKey("AwaitingConfiguration"));
        assertEquals(new com.dd.plist.NSNumber(true), CheckinCodec.toDictionary(
                TokenUpdate.forDevice(TOPIC, UDID, token, "m", null, true)).get("AwaitingConfiguration"));
    }

    @Test
    void equalityComparesBytesByContentAndIgnoresRaw() {
        TokenUpdate a = TokenUpdate.forDevice(TOPIC, UDID, new byte[] {1, 2}, "m", null, false);
        TokenUpdate b = TokenUpdate.forDevice(TOPIC, UDID, new byte[] {1, 2}, "m", null, false);
        assertEquals(a, b);
        assertEquals(a, CheckinCodec.decode(CheckinCodec.encode(a)));
        assertNotEquals(a, TokenUpdate.forDevice(TOPIC, UDID, new byte[] {1, 3}, "m", null, false));
        assertTrue(a.toString().contains("token=byte[2] 0102"), a.toString());
    }

    @Test
    void unknownKeysAreIgnoredButKeptInRaw() {
        NSDictionary d = CheckinCodec.toDictionary(CheckOut.forDevice(TOPIC, UDID));
        d.put("FutureKey", "from iOS 27");
        byte[] body = Plist.toXml(d);
        CheckinMessage m = CheckinCodec.decode(body);
        assertEquals(CheckOut.forDevice(TOPIC, UDID), m);
        assertTrue(new String(m.raw(), StandardCharsets.UTF_8).contains("FutureKey"));
    }

    @Test
    void recordsRefuseWhatTheWireWouldRefuse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CheckOut(TOPIC, null, null, null));
        assertEquals("CheckOut: neither udid nor enrollmentId is set (expected: UDID, or EnrollmentID for a user "
                + "enrollment)", e.getMessage());
        assertThrows(NullPointerException.class, () -> TokenUpdate.forDevice(TOPIC, UDID, null, "m", null, false));
    }

    // ---------------------------------------------------------------------------------------------- bad input

    private static NSDictionary validTokenUpdate() {
        return CheckinCodec.toDictionary(TokenUpdate.forDevice(TOPIC, UDID, new byte[32], "magic", null, true));
    }

    @Test
    void malformedXml() {
        byte[] body = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>CheckOut</dict></plist>"
                .getBytes(StandardCharsets.UTF_8);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> CheckinCodec.decode(body));
        assertTrue(e.getMessage().startsWith("check-in message: malformed plist: XML line 1, column "), e.getMessage());
        assertTrue(e.getMessage().contains("must be terminated by the matching end-tag"), e.getMessage());
        assertInstanceOf(PlistException.class, e.getCause());
        assertSame(body, e.raw());
    }

    @Test
    void truncatedBinary() {
        byte[] full = Plist.toBinary(validTokenUpdate());
        byte[] body = Arrays.copyOf(full, full.length - 10);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> CheckinCodec.decode(body));
        assertTrue(e.getMessage().startsWith("check-in message: malformed plist: binary: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(expected: an XML or binary property list)"), e.getMessage());
        assertSame(body, e.raw());
    }

    @Test
    void emptyBody() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CheckinCodec.decode(new byte[0]));
        assertEquals("check-in message: malformed plist: empty body (expected: an XML or binary property list)",
                e.getMessage());
    }

    @Test
    void rootNotADictionary() {
        byte[] body = Plist.toXml(new NSArray(validTokenUpdate()));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> CheckinCodec.decode(body));
        assertEquals("check-in message: plist root is <array> (expected: <dictionary>)", e.getMessage());
        assertSame(body, e.raw());
    }

    @Test
    void missingMessageType() {
        NSDictionary d = validTokenUpdate();
        d.remove("MessageType");
        byte[] body = Plist.toXml(d);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> CheckinCodec.decode(body));
        assertEquals("check-in message: MessageType is missing (expected: <string>, one of Authenticate, TokenUpdate, "
                + "CheckOut, UserAuthenticate, SetBootstrapToken, GetBootstrapToken, GetToken, DeclarativeManagement)",
                e.getMessage());
        assertSame(body, e.raw());
    }

    @Test
    void messageTypeNotAString() {
        NSDictionary d = validTokenUpdate();
        d.put("MessageType", 7);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CheckinCodec.decode(Plist.toXml(d)));
        assertEquals("check-in message: MessageType: <integer> 7 (expected: <string>)", e.getMessage());
    }

    @Test
    void unknownMessageType() {
        NSDictionary d = validTokenUpdate();
        d.put("MessageType", "ReturnToService");
        byte[] body = Plist.toXml(d);
        UnknownMessageTypeException e = assertThrows(UnknownMessageTypeException.class,
                () -> CheckinCodec.decode(body));
        assertEquals("ReturnToService", e.messageType());
        assertSame(body, e.raw());
        assertEquals("unknown MessageType: \"ReturnToService\" (expected one of Authenticate, TokenUpdate, CheckOut, "
                + "UserAuthenticate, SetBootstrapToken, GetBootstrapToken, GetToken, DeclarativeManagement)",
                e.getMessage());
        assertInstanceOf(ProtocolException.class, e);
    }

    @Test
    void missingRequiredKey() {
        NSDictionary d = validTokenUpdate();
        d.remove("Token");
        byte[] body = Plist.toXml(d);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> CheckinCodec.decode(body));
        assertEquals("TokenUpdate: Token is missing (expected: <data>)", e.getMessage());
        assertSame(body, e.raw());
    }

    @Test
    void missingIdentity() {
        NSDictionary d = validTokenUpdate();
        d.remove("UDID");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CheckinCodec.decode(Plist.toXml(d)));
        assertEquals("TokenUpdate: neither UDID nor EnrollmentID is present (expected: <string> UDID, or <string> "
                + "EnrollmentID for a user enrollment)", e.getMessage());
    }

    @Test
    void wrongType() {
        NSDictionary d = validTokenUpdate();
        d.put("Token", "a1b2c3");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CheckinCodec.decode(Plist.toXml(d)));
        assertEquals("TokenUpdate: Token: <string> \"a1b2c3\" (expected: <data>)", e.getMessage());

        NSDictionary flag = validTokenUpdate();
        flag.put("AwaitingConfiguration", "true");
        MalformedMessageException b = assertThrows(MalformedMessageException.class,
                () -> CheckinCodec.decode(Plist.toXml(flag)));
        assertEquals("TokenUpdate: AwaitingConfiguration: <string> \"true\" (expected: <boolean>)", b.getMessage());

        NSDictionary topic = validTokenUpdate();
        topic.put("Topic", new NSArray(new NSString("a"), new NSString("b")));
        MalformedMessageException t = assertThrows(MalformedMessageException.class,
                () -> CheckinCodec.decode(Plist.toBinary(topic)));
        assertEquals("TokenUpdate: Topic: <array> of 2 items (expected: <string>)", t.getMessage());
    }

    @Test
    void wrongTypeInANestedDictionary() {
        NSDictionary params = new NSDictionary();
        params.put("PhoneUDID", 5);
        NSDictionary d = CheckinCodec.toDictionary(new GetToken("com.apple.watch.pairing", null, UDID, null, null,
                null, null, null, null));
        d.put("TokenParameters", params);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CheckinCodec.decode(Plist.toXml(d)));
        assertEquals("GetToken: TokenParameters.PhoneUDID: <integer> 5 (expected: <string>)", e.getMessage());
    }

    @Test
    void longStringsAreShortenedInMessages() {
        NSDictionary d = validTokenUpdate();
        d.put("Token", "x".repeat(500));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CheckinCodec.decode(Plist.toXml(d)));
        assertTrue(e.getMessage().length() < 150, e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------- interop

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void pythonReadsWhatWeEncode(CheckinMessage m) {
        assertEquals(TaggedPlist.of(CheckinCodec.toDictionary(m)), TaggedPlist.viaPython(CheckinCodec.encode(m)));
    }

    @Test
    void knowsEveryMessageTypeOnce() {
        assertEquals(8, CheckinCodec.MESSAGE_TYPES.size());
        assertEquals(8, CheckinCodec.MESSAGE_TYPES.stream().distinct().count());
        assertEquals(List.copyOf(CheckinCodec.MESSAGE_TYPES),
                messages().map(CheckinMessage::messageType).distinct().toList());
    }
}
