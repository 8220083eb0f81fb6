package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Identity;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Runs one device again from its trace ({@code mdmsim devices replay}): the same serial, model, OS and fleet seed give
 * the same UDID, IMEI, push magic and every other derived fact, so the device walks the same path against a server
 * (the recorded one or another); then {@link #compare} says where the new run first went another way.
 */
public final class DeviceReplay {

    private DeviceReplay() {
    }

    /**
     * A fleet of the traced device alone, with the trace's seed, knobs, language and intervals; its cloud configuration comes
     * from {@code cloudConfigUrl} (null: the recorded one). Enrollment only (lifetime zero) unless the caller sets one.
     */
    public static FleetConfig.Builder config(DeviceTrace trace, URI cloudConfigUrl, Identity appleDeviceCa) {
        requireNonNull(trace, "trace");
        requireNonNull(appleDeviceCa, "appleDeviceCa");
        var h = trace.header();
        FleetConfig.Builder b = FleetConfig.builder()
                .cloudConfigUrl(cloudConfigUrl == null ? trace.cloudConfigUrl() : cloudConfigUrl)
                .appleDeviceCa(appleDeviceCa)
                .addDevice(trace.spec(), trace.behaviour())
                .seed(trace.seed())
                .concurrency(1)
                .language(trace.language());
        if (h.has("idlePollIntervalMs")) {
            b.idlePollInterval(Duration.ofMillis(h.get("idlePollIntervalMs").asLong()));
        }
        if (h.has("maxIdlePolls")) {
            b.maxIdlePolls(h.get("maxIdlePolls").asInt());
        }
        if (h.has("maxCommands")) {
            b.maxCommands(h.get("maxCommands").asInt());
        }
        return b;
    }

    /** Where a replay first differs from the recording. */
    public record Comparison(boolean same, int recordedExchanges, int replayedExchanges, String summary) {
    }

    /**
     * Compares the exchanges (method, path, status) and the outcomes of two traces of the same device. Hosts and ports
     * may differ (another server); bodies differ anyway (nonces, keys, signatures).
     */
    public static Comparison compare(DeviceTrace recorded, DeviceTrace replayed) {
        List<DeviceTrace.Exchange> a = recorded.exchanges();
        List<DeviceTrace.Exchange> b = replayed.exchanges();
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            DeviceTrace.Exchange x = a.get(i);
            DeviceTrace.Exchange y = b.get(i);
            if (!x.method().equals(y.method()) || !x.url().getPath().equals(y.url().getPath())
                    || x.status() != y.status()) {
                return new Comparison(false, a.size(), b.size(), "exchange " + (i + 1) + " differs: recorded "
                        + x.describe() + " at " + x.stage() + ", replayed " + y.describe() + " at " + y.stage()
                        + "; recorded outcome " + recorded.outcome() + ", replayed " + replayed.outcome());
            }
        }
        if (a.size() != b.size()) {
            return new Comparison(false, a.size(), b.size(), "the first " + n + " exchanges match; the recording has "
                    + a.size() + ", the replay " + b.size() + " (recorded outcome " + recorded.outcome()
                    + ", replayed " + replayed.outcome() + ")");
        }
        boolean sameOutcome = recorded.outcome().equals(replayed.outcome());
        return new Comparison(sameOutcome, a.size(), b.size(), sameOutcome
                ? "the replay made the same " + n + " exchanges and ended the same: " + replayed.outcome()
                : "the same " + n + " exchanges, but the recording ended " + recorded.outcome() + " and the replay "
                + replayed.outcome());
    }
}
