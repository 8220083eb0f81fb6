package io.mdmsim.scenarios.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Locale;

/**
 * Something done to the world at a time on the scenario's clock, counted from the start of the load.
 *
 * @param at    when
 * @param name  how expectations name it
 * @param kind  what
 * @param args  the action's settings as written (its JSON object, or a text for advanceClock and clearFaults)
 * @param where where it is written
 */
public record ActionSpec(Duration at, String name, Kind kind, JsonNode args, Where where) {

    /** The actions, with their key in a scenario file. */
    public enum Kind {
        RENEW_TOKEN("renewToken"), SET_POLICY("setPolicy"), EDIT_PROFILE("editProfile"), WIPE("wipe"),
        RETIRE("retire"), ADVANCE_CLOCK("advanceClock"), FAULT("fault"), CLEAR_FAULTS("clearFaults"), SYNC("sync"),
        ASSIGN("assign");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** The kind of a scenario key, or null. */
        public static Kind ofKey(String key) {
            for (Kind k : values()) {
                if (k.key.equals(key)) {
                    return k;
                }
            }
            return null;
        }

        /** Its name in words: "renew token". */
        public String words() {
            return key.replaceAll("([A-Z])", " $1").toLowerCase(Locale.ROOT);
        }
    }

    public ActionSpec {
        requireNonNull(at, "at");
        requireNonNull(name, "name");
        requireNonNull(kind, "kind");
        requireNonNull(args, "args");
        requireNonNull(where, "where");
    }
}
