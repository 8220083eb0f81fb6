package io.mdmsim.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.AppleSchemas;
import io.mdmsim.core.testing.Fixtures;
import io.mdmsim.core.testing.TaggedPlist;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandResultTest {
    private static final String UDID = "00008030-001A2B3C4D5E6F70";
    private static final String UUID = "0f5e4b1e-8b61-4b3a-9d7e-9f6a1c2d3e4f";

    // ---------------------------------------------------------------------------------------------- status

    @ParameterizedTest
    @EnumSource(CommandStatus.class)
    void statusWireValuesRoundTrip(CommandStatus s) {
        assertEquals(s, CommandStatus.fromWire(s.wire()));
        assertEquals(Optional.of(s), CommandStatus.lookup(s.wire()));
    }

    @Test
    void statusWireValuesAreApples() {
        assertEquals(List.of("Idle", "Acknowledged", "Error", "CommandFormatError", "NotNow"),
                Arrays.stream(CommandStatus.values()).map(CommandStatus::wire).toList());
    }

    @Test
    void unknownStatus() {
        assertEquals(Optional.empty(), CommandStatus.lookup("acknowledged"));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CommandStatus.fromWire("Done"));
        assertEquals("Status: \"Done\" (expected one of Idle, Acknowledged, Error, CommandFormatError, NotNow)",
                e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------- parsing

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python.xml", "python.bin", "plistutil.xml", "plistutil.bin"})
    void parsesAnAcknowledgedDeviceInformationResult(String form) {
        byte[] body = Fixtures.plistFixture("result-acknowledged." + form);
        CommandResult r = CommandResult.parse(body);
        assertEquals(UDID, r.udid());
        assertNull(r.enrollmentId());
        assertEquals(CommandStatus.ACKNOWLEDGED, r.status());
        assertEquals(UUID, r.commandUuid());
        assertEquals(List.of(), r.errorChain());
        NSDictionary answers = (NSDictionary) r.get("QueryResponses");
        assertEquals(new NSString("Ana's iPhone"), answers.get("DeviceName"));
        assertSame(body, r.raw());
        assertEquals(List.of(), AppleSchemas.command("DeviceInformation").checkResponse(r.body()));
        assertEquals(CommandResult.acknowledged(UDID, UUID, Map.of("QueryResponses", Map.of(
                "DeviceName", "Ana's iPhone", "OSVersion", "17.4.1", "UDID", UDID))), r);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python.xml", "python.bin", "plistutil.xml", "plistutil.bin"})
    void parsesAnErrorWithItsChain(String form) {
        CommandResult r = CommandResult.parse(Fixtures.plistFixture("result-error." + form));
        assertEquals(CommandStatus.ERROR, r.status());
        assertEquals(List.of(
                new ErrorChainItem(12021, "MCMDMErrorDomain", "Unbekannter Befehl", "Unknown command"),
                new ErrorChainItem(-1, "NSPOSIXErrorDomain", "nested", null)), r.errorChain());
    }

    // ---------------------------------------------------------------------------------------------- building

    @Test
    void idleHasNoCommandUuid() {
        CommandResult idle = CommandResult.idle(UDID);
        NSDictionary d = Plist.parseDictionary(idle.toXml());
        assertEquals(Map.of("UDID", new NSString(UDID), "Status", new NSString("Idle")), Map.copyOf(d));
        assertEquals(idle, CommandResult.parse(idle.raw()));
        assertNull(CommandResult.parse(idle.toXml()).commandUuid());
    }

    @Test
    void acknowledgedCarriesResultKeys() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("QueryResponses", Map.of("UDID", UDID));
        CommandResult r = CommandResult.acknowledged(UDID, UUID, extra);
        assertEquals(List.of("UDID", "Status", "CommandUUID", "QueryResponses"), List.of(r.body().allKeys()));
        assertEquals(r, CommandResult.parse(r.toXml()));
        assertEquals(r, CommandResult.parse(Plist.toBinary(r.body())));
    }

    @Test
    void errorAndOtherStatuses() {
        List<ErrorChainItem> chain = List.of(ErrorChainItem.of(12021, "MCMDMErrorDomain", "Unknown command"));
        CommandResult error = CommandResult.error(UDID, UUID, chain);
        assertEquals(chain, CommandResult.parse(error.toXml()).errorChain());
        assertEquals(error, CommandResult.parse(error.toXml()));
        assertEquals(CommandStatus.NOT_NOW, CommandResult.parse(CommandResult.notNow(UDID, UUID).toXml()).status());
        assertEquals(CommandStatus.COMMAND_FORMAT_ERROR,
                CommandResult.parse(CommandResult.commandFormatError(UDID, UUID, chain).toXml()).status());
    }

    @Test
    void userEnrollmentReportsByEnrollmentId() {
        CommandResult r = CommandResult.of(null, "enrollment-1", CommandStatus.IDLE, null, List.of(), Map.of());
        CommandResult back = CommandResult.parse(r.toXml());
        assertEquals("enrollment-1", back.enrollmentId());
        assertEquals("enrollment-1", back.identity());
        assertNull(back.udid());
    }

    @Test
    void extraMayNotRepeatEnvelopeKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandResult.acknowledged(UDID, UUID, Map.of("Status", "Error")));
        assertTrue(e.getMessage().startsWith("extra: Status (expected: result keys only"), e.getMessage());
    }

    @Test
    void componentsMustAgreeWithTheBody() {
        NSDictionary body = CommandResult.idle(UDID).body();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CommandResult("other-udid", null, CommandStatus.IDLE, null, List.of(), body, null));
        assertEquals("command result: body UDID is <string> \"" + UDID + "\" but the component is \"other-udid\" "
                + "(expected: the same)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new CommandResult(UDID, null, CommandStatus.ACKNOWLEDGED, null, List.of(), body, null));
    }

    @Test
    void bodyIsCopied() {
        NSDictionary body = CommandResult.idle(UDID).body();
        CommandResult r = new CommandResult(UDID, null, CommandStatus.IDLE, null, List.of(), body, null);
        body.put("Later", "change");
        assertFalse(r.body().containsKey("Later"));
    }

    @Test
    void pythonReadsOurReport() {
        CommandResult r = CommandResult.error(UDID, UUID, List.of(ErrorChainItem.of(1, "D", "x")));
        assertEquals(TaggedPlist.of(r.body()), TaggedPlist.viaPython(r.toXml()));
    }

    // ---------------------------------------------------------------------------------------------- bad input

    private static NSDictionary report() {
        return CommandResult.error(UDID, UUID, List.of(ErrorChainItem.of(12021, "MCMDMErrorDomain", "x"))).body();
    }

    private static MalformedMessageException parseFails(NSDictionary d) {
        byte[] body = Plist.toXml(d);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> CommandResult.parse(body));
        assertSame(body, e.raw());
        return e;
    }

    @Test
    void unknownStatusValue() {
        NSDictionary d = report();
        d.put("Status", "Done");
        assertEquals("command result: Status: \"Done\" (expected one of Idle, Acknowledged, Error, CommandFormatError, "
                + "NotNow)", parseFails(d).getMessage());
    }

    @Test
    void missingStatus() {
        NSDictionary d = report();
        d.remove("Status");
        assertEquals("command result: Status is missing (expected: <string>)", parseFails(d).getMessage());
    }

    @Test
    void statusNotAString() {
        NSDictionary d = report();
        d.put("Status", true);
        assertEquals("command result: Status: <boolean> true (expected: <string>)", parseFails(d).getMessage());
    }

    @Test
    void missingIdentity() {
        NSDictionary d = report();
        d.remove("UDID");
        assertEquals("command result: neither UDID nor EnrollmentID is present (expected: <string> UDID, or <string> "
                + "EnrollmentID for a user enrollment)", parseFails(d).getMessage());
    }

    @Test
    void missingCommandUuidOnANonIdleReport() {
        NSDictionary d = report();
        d.remove("CommandUUID");
        assertEquals("command result: CommandUUID is missing (expected: <string>; only an Idle report may leave it "
                + "out)", parseFails(d).getMessage());
    }

    @Test
    void errorChainNotAnArray() {
        NSDictionary d = report();
        d.put("ErrorChain", "boom");
        assertEquals("command result: ErrorChain: <string> \"boom\" (expected: <array>)", parseFails(d).getMessage());
    }

    @Test
    void errorChainItemNotADictionary() {
        NSDictionary d = report();
        d.put("ErrorChain", new NSArray(new NSString("boom")));
        assertEquals("command result: ErrorChain[0]: <string> \"boom\" (expected: <dictionary>)",
                parseFails(d).getMessage());
    }

    @Test
    void errorChainItemWithoutErrorCode() {
        NSDictionary d = report();
        ((NSDictionary) ((NSArray) d.get("ErrorChain")).objectAtIndex(0)).remove("ErrorCode");
        assertEquals("command result: ErrorChain[0].ErrorCode is missing (expected: <integer>)",
                parseFails(d).getMessage());
    }

    @Test
    void errorCodeOfTheWrongType() {
        NSDictionary d = report();
        ((NSDictionary) ((NSArray) d.get("ErrorChain")).objectAtIndex(0)).put("ErrorCode", "12021");
        assertEquals("command result: ErrorChain[0].ErrorCode: <string> \"12021\" (expected: <integer>)",
                parseFails(d).getMessage());
    }

    @Test
    void errorCodeOutOfRange() {
        NSDictionary d = report();
        ((NSDictionary) ((NSArray) d.get("ErrorChain")).objectAtIndex(0)).put("ErrorCode", 1L << 40);
        assertEquals("command result: ErrorChain[0].ErrorCode: 1099511627776 (expected: a 32-bit <integer>)",
                parseFails(d).getMessage());
    }

    @Test
    void notAPlistDictionary() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CommandResult.parse(Plist.toXml(new NSString("Idle"))));
        assertEquals("command result: plist root is <string> (expected: <dictionary>)", e.getMessage());
    }
}
