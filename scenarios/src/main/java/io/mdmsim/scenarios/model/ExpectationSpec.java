package io.mdmsim.scenarios.model;

import static java.util.Objects.requireNonNull;

/**
 * An expectation that decides the verdict: a subject measured over the run and a threshold on it.
 *
 * @param name       the expectation in a QA engineer's words (written, or made from the subject)
 * @param subject    what is measured
 * @param value      the subject's value: an outcome, a stage, an error text, a management state, visible|delivered,
 *                   terminal, an action's name, started|finished
 * @param population only the devices of this population, or null
 * @param mdmServer  DEP figures of this MDM server only, or null for all
 * @param result     for an action: accepted, refused or failed (null: accepted); for mdmDevice the pattern
 * @param threshold  the threshold
 * @param where      where it is written
 */
public record ExpectationSpec(String name, Subject subject, String value, String population, String mdmServer,
                              String result, Threshold threshold, Where where) {

    /** What an expectation measures. */
    public enum Subject {
        /** Devices by how their run ended: count and rate. */
        OUTCOME,
        /** Time spent in a stage by the devices that completed it: p(N), avg, min, med, max; count. */
        STAGE,
        /** Devices that showed an error containing a text (and failed with it, or got past it): count and rate. */
        ERROR,
        /** Devices by their management state at the end: count and rate. */
        MANAGEMENT,
        /** DEP figures per minute: p(N), avg, min, med, max of the per-minute values; count is the total. */
        DEP,
        /** Commands the MDM queued that ended in exactly one terminal state: count and rate. */
        COMMANDS,
        /** Runs of a named action with a result: count and rate. */
        ACTION,
        /** Devices started or finished: count and rate. */
        DEVICES,
        /** Devices whose record in the reference MDM has a field matching a pattern: count and rate. */
        MDM_DEVICE;

        /** The subject's key in a scenario file: outcome, stage, ..., mdmDevice. */
        public String key() {
            return this == MDM_DEVICE ? "mdmDevice" : name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ExpectationSpec {
        requireNonNull(name, "name");
        requireNonNull(subject, "subject");
        requireNonNull(value, "value");
        requireNonNull(threshold, "threshold");
        requireNonNull(where, "where");
    }

    /** The expectation in words, made from its subject: "devices enrolled", "time in stage scep" ... */
    public static String describe(Subject subject, String value, String population, String mdmServer, String result) {
        String scope = population == null ? "" : " of " + population;
        return switch (subject) {
            case OUTCOME -> switch (value) {
                case "enrolled" -> "devices" + scope + " enrolled";
                case "not-enrolled" -> "devices" + scope + " not enrolled";
                case "not-assigned" -> "devices" + scope + " Apple has no profile for";
                case "needs-wipe" -> "devices" + scope + " needing a wipe";
                case "timed-out" -> "devices" + scope + " timed out";
                default -> "devices" + scope + " failed";
            };
            case STAGE -> "time in stage " + value + (population == null ? "" : " (" + population + ")");
            case ERROR -> "devices" + scope + " that showed \"" + value + "\"";
            case MANAGEMENT -> "devices" + scope + " " + switch (value) {
                case "single-app-mode" -> "still in Single App Mode";
                case "removed-by-user" -> "whose users removed management";
                case "reenrolled" -> "enrolled again";
                default -> value + " at the end";
            };
            case DEP -> (value.equals("visible") ? "devices made visible by ABM" : "device records delivered to the MDM")
                    + " per minute" + (mdmServer == null ? "" : " (" + mdmServer + ")");
            case COMMANDS -> "commands ending in exactly one terminal state";
            case ACTION -> "action \"" + value + "\" " + (result == null ? "accepted" : result);
            case DEVICES -> "devices" + scope + " " + value;
            case MDM_DEVICE -> "devices" + scope + " whose " + value + " in the MDM matches " + result;
        };
    }
}
