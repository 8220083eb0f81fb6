package io.mdmsim.abm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mdmsim.abm.ApnsFixture.Events;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Not a test: the fake APNs under 10,000 tokens, timed. Runs only with {@code -Dmdmsim.bench=apns}:
 * <pre>
 * ./build -q -pl fake-abm -am test -Dtest=ApnsBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dmdmsim.bench=apns
 * </pre>
 * Prints lines starting with "BENCH".
 */
class ApnsBenchmark {

    private static final int TOKENS = 10_000;

    @Test
    void tenThousandTokens() {
        assumeTrue("apns".equals(System.getProperty("mdmsim.bench")), "benchmark: run with -Dmdmsim.bench=apns");
        try (ApnsFixture f = new ApnsFixture()) {
            f.issueTokens(500, "WARM"); // JIT and connections
            long t0 = System.nanoTime();
            List<String> tokens = f.issueTokens(TOKENS, "UDID");
            report("issue tokens", TOKENS, t0);

            Events online = f.connect(tokens.toArray(String[]::new));
            t0 = System.nanoTime();
            for (HttpResponse<String> r : f.pushAll(tokens, t -> "magic")) {
                assertEquals(200, r.statusCode());
            }
            await().atMost(10, TimeUnit.MINUTES).until(() -> online.events.size() == TOKENS);
            report("push to online tokens, delivered over one SSE stream", TOKENS, t0);

            online.close();
            await().atMost(10, TimeUnit.MINUTES).until(() -> f.stats().get("online").intValue() == 0);
            t0 = System.nanoTime();
            f.pushAll(tokens, t -> "first");
            f.pushAll(tokens, t -> "second");
            report("push to offline tokens (stored, then coalesced)", 2 * TOKENS, t0);

            t0 = System.nanoTime();
            Events back = f.connect(tokens.toArray(String[]::new));
            await().atMost(10, TimeUnit.MINUTES).until(() -> back.events.size() == TOKENS);
            report("reconnect: stored pushes delivered", TOKENS, t0);
            back.close();

            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("BENCH heap used after GC: %d MiB; stats %s%n",
                    (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024), f.stats());
        }
    }

    private static void report(String what, int n, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("BENCH %-55s %6d in %6.2f s = %8.0f /s%n", what, n, seconds, n / seconds);
    }
}
