package io.mdmsim.abm.settings;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.FakeAbmConfig;
import java.time.Duration;

/**
 * The DEP behaviour a test may change while the fake runs (admin {@code PUT /admin/settings}); starts from the
 * {@link FakeAbmConfig}. Each value is read once per request, so a change applies from the next request on.
 */
public final class AbmSettings {

    /** The values at one moment, as the admin API shows them. */
    public record Values(FakeAbmConfig.ErrorBodyStyle errorBodyStyle, Duration sessionTtl, int sessionRotateEvery,
            double requestsPerSecond, Duration assignCooldown, int maxDepBodyBytes) {
        public Values {
            requireNonNull(errorBodyStyle, "errorBodyStyle");
            requireNonNull(sessionTtl, "sessionTtl");
            requireNonNull(assignCooldown, "assignCooldown");
            if (sessionTtl.isZero() || sessionTtl.isNegative()) {
                throw new IllegalArgumentException("sessionTtl: " + sessionTtl + " (expected: > 0)");
            }
            if (sessionRotateEvery < 0) {
                throw new IllegalArgumentException("sessionRotateEvery: " + sessionRotateEvery + " (expected: >= 0, 0 = never)");
            }
            if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
                throw new IllegalArgumentException("requestsPerSecond: " + requestsPerSecond + " (expected: >= 0, 0 = no limit)");
            }
            if (assignCooldown.isNegative()) {
                throw new IllegalArgumentException("assignCooldown: " + assignCooldown + " (expected: >= 0, 0 = never THROTTLED)");
            }
            if (maxDepBodyBytes < 1) {
                throw new IllegalArgumentException("maxDepBodyBytes: " + maxDepBodyBytes + " (expected: >= 1)");
            }
        }
    }

    private volatile Values values;

    public AbmSettings(FakeAbmConfig config) {
        this.values = new Values(config.errorBodyStyle(), config.sessionTtl(), config.sessionRotateEvery(),
                config.requestsPerSecond(), config.assignCooldown(), config.maxDepBodyBytes());
    }

    public Values get() {
        return values;
    }

    public void set(Values v) {
        this.values = requireNonNull(v, "v");
    }
}
