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
            FakeAbmConfig.checkDepSettings(errorBodyStyle, sessionTtl, sessionRotateEvery, requestsPerSecond,
                    assignCooldown, maxDepBodyBytes);
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
