package io.mdmsim.mdm.policy;

import java.time.Instant;

/** An active alert. */
public record Alert(String id, String kind, String severity, String vppToken, String message, Instant since) {
    /** The alert as the admin API and the events show it ({@code since} as ISO-8601 text). */
    public record View(String id, String kind, String severity, String vppToken, String message, String since) {
    }

    public View view() {
        return new View(id, kind, severity, vppToken, message, since.toString());
    }
}
