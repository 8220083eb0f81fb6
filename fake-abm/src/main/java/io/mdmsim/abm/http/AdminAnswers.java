package io.mdmsim.abm.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** What the ABM admin API answers ({@link AdminHandlers}), as records Jackson writes in component order. */
final class AdminAnswers {

    private AdminAnswers() {}

    record Added(int added, List<String> serials) {
    }

    record Imported(int imported) {
    }

    record ActivationLockCleared(boolean wasLocked) {
    }

    record Assigned(int assigned) {
    }

    record Unassigned(int unassigned) {
    }

    record Released(int released) {
    }

    record FaultsCleared(String cleared) {
    }

    record SessionsDropped(int dropped) {
    }

    /** How many MDM servers' cursors expired. */
    record CursorsExpired(int servers) {
    }

    /** {@code GET /admin/settings}. */
    record SettingsView(String errorBodyStyle, String sessionTtl, int sessionRotateEvery, double requestsPerSecond,
            String assignCooldown, int maxDepBodyBytes) {
    }

    /** One endpoint's faults; {@code error} and each {@code script} entry are "pass" or an {@link AnswerView}. */
    record FaultView(String endpoint, String latency, double errorRate, Object error, List<Object> script) {
    }

    record AnswerView(int status, String code, @JsonInclude(JsonInclude.Include.NON_NULL) String retryAfter) {
    }
}
