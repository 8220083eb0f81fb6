package io.mdmsim.abm.apns;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * Injected APNs errors ({@code /admin/apns/faults}): a script (the next n pushes get a reason) and a rate (a share of
 * pushes, drawn from the seed, get a reason). The script is used first.
 */
final class FaultInjector {

    private final SplittableRandom random;
    private final Deque<ApnsReason> script = new ArrayDeque<>(); // guarded by itself
    private volatile Rate rate;

    private record Rate(ApnsReason reason, double rate) {
    }

    FaultInjector(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next {@code count} pushes are answered with {@code reason}. */
    void script(ApnsReason reason, int count) {
        synchronized (script) {
            for (int i = 0; i < count; i++) {
                script.add(reason);
            }
        }
    }

    /** From now on a share {@code share} of pushes is answered with {@code reason} (0 = off). */
    void rate(ApnsReason reason, double share) {
        rate = share <= 0 ? null : new Rate(reason, share);
    }

    void clear() {
        synchronized (script) {
            script.clear();
        }
        rate = null;
    }

    ApnsService.Faults view() {
        java.util.List<String> scripted;
        synchronized (script) {
            scripted = script.stream().map(ApnsReason::wire).toList();
        }
        Rate r = rate;
        return new ApnsService.Faults(scripted, r == null ? 0.0 : r.rate(), r == null ? null : r.reason().wire());
    }

    /** Throws the injected fault the next push gets, if any. */
    void next() {
        ApnsReason scripted;
        synchronized (script) {
            scripted = script.poll();
        }
        if (scripted != null) {
            throw new ApnsPush.Rejection(scripted, "injected fault (script)");
        }
        Rate r = rate;
        if (r != null && nextUnit() < r.rate()) {
            throw new ApnsPush.Rejection(r.reason(), "injected fault (rate " + r.rate() + ")");
        }
    }

    private double nextUnit() {
        synchronized (random) {
            return random.nextDouble();
        }
    }
}
