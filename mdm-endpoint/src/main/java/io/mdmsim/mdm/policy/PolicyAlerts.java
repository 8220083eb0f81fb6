package io.mdmsim.mdm.policy;

import static io.mdmsim.mdm.policy.PolicyService.EXPIRY_WARNING;
import static io.mdmsim.mdm.policy.PolicyService.LOW_LICENSES_COUNT;
import static io.mdmsim.mdm.policy.PolicyService.LOW_LICENSES_PERCENT;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mdmsim.core.http.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy's alerts (seeds: "Intune alerts you when a token is about to expire or licenses are running low"): per VPP
 * token expired or expiring within {@link PolicyService#EXPIRY_WARNING}, and Company Portal licences exhausted or low.
 * Each alert keeps the time it was first raised. Not thread-safe: called under the {@link PolicyService}'s monitor.
 */
final class PolicyAlerts {

    private final Map<String, Alert> alerts = new LinkedHashMap<>();

    /** The active alerts as last evaluated. */
    List<Alert> active() {
        return List.copyOf(alerts.values());
    }

    /**
     * Recomputes the alerts of {@code tokens} at {@code now}.
     *
     * @return the "alert" events to emit: each alert raised or cleared, with its state
     */
    List<Map<String, Object>> evaluate(Collection<VppToken> tokens, Instant now) {
        List<Map<String, Object>> emitted = new ArrayList<>();
        Map<String, Alert> next = new LinkedHashMap<>();
        for (VppToken t : tokens) {
            if (t.expired(now)) {
                put(next, "vpp.token-expired", "critical", t, "VPP token " + t.name + " expired at " + t.expiry
                        + ": devices whose enrollment profile installs Company Portal with it cannot enroll", now);
            } else if (!now.plus(EXPIRY_WARNING).isBefore(t.expiry)) {
                long days = Duration.between(now, t.expiry).toDays();
                put(next, "vpp.token-expiring", "warning", t, "VPP token " + t.name + " expires at " + t.expiry
                        + " (in " + days + (days == 1 ? " day" : " days") + "; warning from "
                        + EXPIRY_WARNING.toDays() + " days before): renew it", now);
            }
            int available = t.available();
            if (available == 0) {
                put(next, "vpp.licenses-exhausted", "critical", t, "VPP token " + t.name + " has no Company Portal"
                        + " license left (" + t.holders.size() + " of " + t.companyPortalLicenses + " in use)", now);
            } else if (lowLicenses(available, t.companyPortalLicenses)) {
                put(next, "vpp.licenses-low", "warning", t, "VPP token " + t.name + " has " + available
                        + " Company Portal license" + (available == 1 ? "" : "s") + " left of "
                        + t.companyPortalLicenses + " (low: fewer than " + LOW_LICENSES_COUNT + " or under "
                        + LOW_LICENSES_PERCENT + "%)", now);
            }
        }
        for (Alert a : next.values()) {
            if (!alerts.containsKey(a.id())) {
                emitted.add(event(a, "raised"));
            }
        }
        for (Alert a : alerts.values()) {
            if (!next.containsKey(a.id())) {
                emitted.add(event(a, "cleared"));
            }
        }
        alerts.clear();
        alerts.putAll(next);
        return emitted;
    }

    /** Fewer than {@link PolicyService#LOW_LICENSES_COUNT} left, or under {@link PolicyService#LOW_LICENSES_PERCENT} %. */
    static boolean lowLicenses(int available, int total) {
        return available < LOW_LICENSES_COUNT || (long) available * 100 < (long) total * LOW_LICENSES_PERCENT;
    }

    private void put(Map<String, Alert> next, String kind, String severity, VppToken t, String message, Instant now) {
        String id = kind + ":" + t.name;
        Alert old = alerts.get(id);
        next.put(id, new Alert(id, kind, severity, t.name, message, old == null ? now : old.since()));
    }

    /** The event data of an alert raised or cleared: the alert's view and its state. */
    private static Map<String, Object> event(Alert a, String state) {
        Map<String, Object> e = Json.MAPPER.convertValue(a.view(), new TypeReference<LinkedHashMap<String, Object>>() {});
        e.put("state", state);
        return e;
    }
}
