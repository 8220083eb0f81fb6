package io.mdmsim.mdm.policy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** An active alert. */
public record Alert(String id, String kind, String severity, String vppToken, String message, Instant since) {
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("kind", kind);
        m.put("severity", severity);
        m.put("vppToken", vppToken);
        m.put("message", message);
        m.put("since", since.toString());
        return m;
    }
}
