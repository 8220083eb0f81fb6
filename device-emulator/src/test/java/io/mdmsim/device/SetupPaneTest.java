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
    @Test
    @org.junit.jupiter.api.DisplayName("Restore Completed: \"Shows users the Restore Completed screen after a backup and"
            + " restore is performed during Setup Assistant\"; Software Update Completed: \"Shows the user all software"
            + " updates that happen during Setup Assistant\" -- only then")
    void restoreCompletedAndUpdateCompletedOnlyAfterARestoreOrAnUpdate() {
        Context plain = context("iPhone16,1", "17.5", Set.of(), true, false, "en");
        assertFalse(SetupPane.RESTORE_COMPLETED.decide(plain).shown(), SetupPane.RESTORE_COMPLETED.decide(plain)
                .reason());
        assertFalse(SetupPane.UPDATE_COMPLETED.decide(plain).shown());
        assertTrue(SetupPane.RESTORE_COMPLETED.decide(plain.with(true, false)).shown());
        assertFalse(SetupPane.UPDATE_COMPLETED.decide(plain.with(true, false)).shown());
        assertTrue(SetupPane.UPDATE_COMPLETED.decide(plain.with(false, true)).shown());
        Context hidden = context("iPhone16,1", "17.5", Set.of("RestoreCompleted", "UpdateCompleted"), true, false, "en")
                .with(true, true);
        assertEquals("skipped: SkipSetup has RestoreCompleted", SetupPane.RESTORE_COMPLETED.decide(hidden).reason());
        assertFalse(SetupPane.UPDATE_COMPLETED.decide(hidden).shown());
        Context ios13 = context("iPhone10,1", "13.7", Set.of(), true, false, "en").with(true, true);
        assertEquals("not in iOS 13.7 (since 14.0)", SetupPane.RESTORE_COMPLETED.decide(ios13).reason());
    }

    /**
     * The 2023 page's "Setup Assistant screen reference": each screen's first iOS/iPadOS version. The devices follow
     * Apple's skipkeys.yaml (above), which differs from the page where the page is not a fact about iOS; each
     * difference is listed here with why (docs/devices.md says the same).
     */
    @Test
    @org.junit.jupiter.api.DisplayName("The seeds' \"Setup Assistant screen reference\": every screen's OS range, the"
            + " differences from the page documented")
    void theSeedsScreenTableHoldsExceptTheDocumentedDifferences() {
        java.util.Map<SetupPane, String> page = new java.util.LinkedHashMap<>();
        page.put(SetupPane.PASSCODE, "7.0");
        page.put(SetupPane.LOCATION, "7.0");
        page.put(SetupPane.RESTORE, "7.0");
        page.put(SetupPane.APPLE_ID, "7.0");
        page.put(SetupPane.TOS, "7.0");
        page.put(SetupPane.BIOMETRIC, "8.1");
        page.put(SetupPane.PAYMENT, "7.0");
        page.put(SetupPane.ZOOM, "8.3");
        page.put(SetupPane.SIRI, "7.0");
        page.put(SetupPane.DIAGNOSTICS, "7.0");
        page.put(SetupPane.DISPLAY_TONE, "9.3.2");
        page.put(SetupPane.PRIVACY, "11.3");
        page.put(SetupPane.ANDROID, "9.0");
        page.put(SetupPane.IMESSAGE_AND_FACETIME, "9.0");
        page.put(SetupPane.ON_BOARDING, "11.0");
        page.put(SetupPane.SCREEN_TIME, "12.0");
        page.put(SetupPane.SIM_SETUP, "12.0");
        page.put(SetupPane.SOFTWARE_UPDATE, "12.0");
        page.put(SetupPane.WATCH_MIGRATION, "11.0");
        page.put(SetupPane.APPEARANCE, "13.0");
        page.put(SetupPane.TERMS_OF_ADDRESS, "16.0");
        // the page's rows without a version: Device to Device Migration, Restore Completed, Software Update
        // Completed, Get Started (the devices take skipkeys.yaml's: 12.4, 14.0, 14.0, 13.0)
        java.util.Map<SetupPane, String> differences = java.util.Map.of(
                SetupPane.PAYMENT, "since 8.1: Apple Pay came with iOS 8.1 (skipkeys.yaml Payment introduced 8.1)");
        java.util.Map<SetupPane, String> ends = java.util.Map.of(
                SetupPane.DISPLAY_TONE, "15.0", SetupPane.ZOOM, "17.0", SetupPane.ON_BOARDING, "14.0");
        for (var row : page.entrySet()) {
            SetupPane pane = row.getKey();
            if (differences.containsKey(pane)) {
                assertEquals("8.1", pane.since(), differences.get(pane));
            } else {
                assertEquals(row.getValue(), pane.since(), pane + " from the page's table");
            }
            // the page names no last version; where Apple deprecated the key the pane is gone from then on
            assertEquals(ends.get(pane), pane.deprecated(), pane + " deprecated");
        }
        assertEquals("12.4", SetupPane.DEVICE_TO_DEVICE_MIGRATION.since());
        Context ios17 = context("iPhone16,1", "17.5", Set.of(), true, false, "en");
        assertEquals("not offered to automated-enrollment devices on iOS 13 and later",
                SetupPane.DEVICE_TO_DEVICE_MIGRATION.decide(ios17).reason(), "2023 page over the 2020 page's 13.0+");
        assertEquals("gone from iOS 17.5 (deprecated in 17.0)", SetupPane.ZOOM.decide(ios17).reason());
    }
}
