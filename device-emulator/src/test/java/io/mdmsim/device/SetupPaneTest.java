package io.mdmsim.device;

import io.mdmsim.core.catalog.DeviceCatalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mdmsim.core.testing.AppleSchemas;
import io.mdmsim.device.SetupPane.Context;
import io.mdmsim.device.SetupPane.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Panes by OS version, against the seeds' pane table and ADM other/skipkeys.yaml. */
class SetupPaneTest {

    private static Context context(String productType, String os, Set<String> skip, boolean known, boolean shared,
                                   String language) {
        DeviceCatalog.Model m = DeviceCatalog.model(productType).orElseThrow();
        return new Context(os, m.family(), m.features(), skip, known, shared, language);
    }

    private static Set<SetupPane> shown(Phase phase, Context c) {
        return SetupPane.inPhase(phase).stream().filter(p -> p.decide(c).shown())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(SetupPane.class)));
    }

    @Test
    void iphone8OnIos12ShowsTheOlderPanesAndNoneOfTheNewerOnes() {
        Context c = context("iPhone10,1", "12.4", Set.of(), true, false, "en");
        assertEquals(EnumSet.of(SetupPane.BIOMETRIC, SetupPane.PASSCODE, SetupPane.RESTORE, SetupPane.ANDROID,
                SetupPane.DEVICE_TO_DEVICE_MIGRATION, SetupPane.APPLE_ID, SetupPane.TOS, SetupPane.SOFTWARE_UPDATE,
                SetupPane.LOCATION, SetupPane.SIRI, SetupPane.SCREEN_TIME, SetupPane.DIAGNOSTICS,
                SetupPane.DISPLAY_TONE, SetupPane.ZOOM, SetupPane.HOME_BUTTON_SENSITIVITY, SetupPane.ON_BOARDING,
                SetupPane.WATCH_MIGRATION, SetupPane.IMESSAGE_AND_FACETIME, SetupPane.MESSAGING_ACTIVATION,
                SetupPane.SIM_SETUP, SetupPane.PAYMENT), shown(Phase.AFTER_CONFIGURATION, c));
        assertEquals("not in iOS 12.4 (since 13.0)", SetupPane.APPEARANCE.decide(c).reason());
        assertEquals("not in iOS 12.4 (since 17.0)", SetupPane.ACTION_BUTTON.decide(c).reason());
        assertEquals(Set.of(SetupPane.PRIVACY), shown(Phase.BEFORE_REMOTE_MANAGEMENT, c));
    }

    @Test
    void iphone15ProOnIos17ShowsTheNewPanesWithoutTheDeprecatedOnesOrThe145Quirk() {
        Context c = context("iPhone16,1", "17.5", Set.of(), true, false, "en");
        assertEquals(EnumSet.of(SetupPane.RESTORE, SetupPane.ANDROID, SetupPane.APPLE_ID, SetupPane.TOS,
                SetupPane.SOFTWARE_UPDATE, SetupPane.LOCATION, SetupPane.SIRI, SetupPane.SCREEN_TIME,
                SetupPane.DIAGNOSTICS, SetupPane.APPEARANCE, SetupPane.WATCH_MIGRATION,
                SetupPane.IMESSAGE_AND_FACETIME, SetupPane.MESSAGING_ACTIVATION, SetupPane.SIM_SETUP,
                SetupPane.PAYMENT, SetupPane.APP_STORE, SetupPane.SAFETY, SetupPane.ACTION_BUTTON, SetupPane.WELCOME),
                shown(Phase.AFTER_CONFIGURATION, c));
        assertEquals("gone from iOS 17.5 (deprecated in 17.0)", SetupPane.ZOOM.decide(c).reason());
        assertEquals("gone from iOS 17.5 (deprecated in 15.0)", SetupPane.DISPLAY_TONE.decide(c).reason());
        assertEquals("not offered to automated-enrollment devices on iOS 13 and later",
                SetupPane.DEVICE_TO_DEVICE_MIGRATION.decide(c).reason());
        assertTrue(SetupPane.PASSCODE.decide(c).reason().startsWith("not shown on iOS 17.5: the Passcode and Touch ID"
                + " panes do not work on 14.5 and later"), SetupPane.PASSCODE.decide(c).reason());
        assertFalse(SetupPane.BIOMETRIC.decide(c).shown());

        Context iphone16On18 = context("iPhone17,3", "18.1", Set.of(), true, false, "en");
        assertTrue(SetupPane.CAMERA_BUTTON.decide(iphone16On18).shown());
        assertTrue(SetupPane.INTELLIGENCE.decide(iphone16On18).shown());
        Context iphone16eOn18 = context("iPhone17,5", "18.3", Set.of(), true, false, "en");
        assertEquals("no Camera Control", SetupPane.CAMERA_BUTTON.decide(iphone16eOn18).reason());
    }

    @Test
    void passcodeAndTouchIdWorkUpTo144AndStopAt145() {
        Context before = context("iPhone12,8", "14.4", Set.of(), true, false, "en");
        Context after = context("iPhone12,8", "14.5", Set.of(), true, false, "en");
        assertTrue(SetupPane.PASSCODE.decide(before).shown());
        assertTrue(SetupPane.BIOMETRIC.decide(before).shown());
        assertFalse(SetupPane.PASSCODE.decide(after).shown());
        assertFalse(SetupPane.BIOMETRIC.decide(after).shown());
        assertTrue(SetupPane.APPLE_ID.decide(after).shown());
        // an explicit SkipSetup key wins over the quirk in the reason
        assertEquals("skipped: SkipSetup has Passcode",
                SetupPane.PASSCODE.decide(context("iPhone12,8", "14.5", Set.of("Passcode"), true, false, "en"))
                        .reason());
    }

    @Test
    void skipSetupHidesPanesOnlyWhereTheKeyExists() {
        Context c = context("iPhone14,5", "16.6", Set.of("Siri", "Appearance", "Zoom", "ActionButton"), true, false,
                "en");
        assertEquals("skipped: SkipSetup has Siri", SetupPane.SIRI.decide(c).reason());
        assertEquals("skipped: SkipSetup has Appearance", SetupPane.APPEARANCE.decide(c).reason());
        assertEquals("skipped: SkipSetup has Zoom", SetupPane.ZOOM.decide(c).reason());
        assertEquals("not in iOS 16.6 (since 17.0)", SetupPane.ACTION_BUTTON.decide(c).reason());
        assertEquals("no Action button", SetupPane.ACTION_BUTTON.decide(context("iPhone15,4", "17.5", Set.of(), true,
                false, "en")).reason());
        // iMessage & FaceTime exists since iOS 9 (seeds) but its key only since 12.0 (skipkeys.yaml)
        Context ios11 = context("iPhone10,1", "11.4", Set.of("iMessageAndFaceTime"), true, false, "en");
        assertTrue(SetupPane.IMESSAGE_AND_FACETIME.decide(ios11).shown());
        Context ios12 = context("iPhone10,1", "12.0", Set.of("iMessageAndFaceTime"), true, false, "en");
        assertFalse(SetupPane.IMESSAGE_AND_FACETIME.decide(ios12).shown());
    }

    @Test
    void panesBeforeTheCloudConfigurationIgnoreSkipSetupUntilTheRecordIsKnown() {
        Set<String> skip = Set.of("Keyboard", "SpokenLanguage", "TermsOfAddress");
        Context first = context("iPhone15,2", "17.5", skip, false, false, "fr");
        assertEquals(EnumSet.of(SetupPane.LANGUAGE, SetupPane.REGION, SetupPane.KEYBOARD, SetupPane.SPOKEN_LANGUAGE,
                SetupPane.TERMS_OF_ADDRESS, SetupPane.WIFI), shown(Phase.BEFORE_ACTIVATION, first));
        assertEquals("shown although SkipSetup has Keyboard: not always skippable, it comes before the cloud"
                + " configuration", SetupPane.KEYBOARD.decide(first).reason());
        Context afterReboot = context("iPhone15,2", "17.5", skip, true, false, "fr");
        assertEquals(EnumSet.of(SetupPane.LANGUAGE, SetupPane.REGION, SetupPane.WIFI),
                shown(Phase.BEFORE_ACTIVATION, afterReboot));
        Context english = context("iPhone15,2", "17.5", Set.of(), false, false, "en");
        assertEquals("language en has no Terms of Address", SetupPane.TERMS_OF_ADDRESS.decide(english).reason());
        Context ios12 = context("iPhone10,1", "12.4", Set.of(), false, false, "fr");
        assertEquals(EnumSet.of(SetupPane.LANGUAGE, SetupPane.REGION, SetupPane.WIFI),
                shown(Phase.BEFORE_ACTIVATION, ios12));
    }

    @Test
    void aSharedIpadSkipsEveryPaneAfterActivation() {
        Context c = context("iPad13,18", "17.5", Set.of(), true, true, "en");
        assertEquals(Set.of(), shown(Phase.BEFORE_REMOTE_MANAGEMENT, c));
        assertEquals(Set.of(), shown(Phase.AFTER_CONFIGURATION, c));
        assertEquals("Shared iPad: every pane after activation is skipped", SetupPane.APPLE_ID.decide(c).reason());
        assertTrue(SetupPane.LANGUAGE.decide(c).shown());
        assertEquals("iPhone only", SetupPane.WATCH_MIGRATION.decide(context("iPad13,18", "17.5", Set.of(), true,
                false, "en")).reason());
        assertEquals("no cellular modem", SetupPane.SIM_SETUP.decide(context("iPad13,18", "17.5", Set.of(), true,
                false, "en")).reason());
        assertTrue(SetupPane.SIM_SETUP.decide(context("iPad13,19", "17.5", Set.of(), true, false, "en")).shown());
    }

    @Test
    void everyIosSkipKeyOfSkipkeysYamlIsInTheTableWithItsVersions() throws Exception {
        Path yaml = AppleSchemas.appleDir().resolve("other/skipkeys.yaml");
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(yaml));
        String payloadIos = root.path("payload").path("supportedOS").path("iOS").path("introduced").asText();
        Set<String> iosKeys = new TreeSet<>();
        for (JsonNode k : root.get("payloadkeys")) {
            String key = k.get("key").asText();
            JsonNode ios = k.path("supportedOS").path("iOS");
            String introduced = ios.has("introduced") ? ios.get("introduced").asText() : payloadIos;
            if (introduced.equals("n/a")) {
                assertTrue(SetupPane.forSkipKey(key).isEmpty(), key + " is not an iOS key");
                continue;
            }
            iosKeys.add(key);
            SetupPane pane = SetupPane.forSkipKey(key).orElse(null);
            assertNotNull(pane, "skipkeys.yaml iOS key " + key + " has no SetupPane");
            assertEquals(introduced, pane.keySince(), key + " introduced");
            String deprecated = ios.has("deprecated") ? ios.get("deprecated").asText() : null;
            assertEquals(deprecated, pane.deprecated(), key + " deprecated");
            boolean always = !ios.has("always-skippable") || ios.get("always-skippable").asBoolean();
            assertEquals(always, pane.alwaysSkippable(), key + " always-skippable");
        }
        Set<String> ours = new TreeSet<>();
        for (SetupPane p : SetupPane.values()) {
            if (p.skipKey() != null) {
                ours.add(p.skipKey());
            }
        }
        assertEquals(iosKeys, ours);
    }
}
