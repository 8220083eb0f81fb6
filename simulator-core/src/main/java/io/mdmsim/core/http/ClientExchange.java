package io.mdmsim.core.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One exchange of a JDK {@link HttpClient} with a time limit, for clients that run many exchanges at once. The limit
 * is not {@link HttpRequest.Builder#timeout}: the JDK client keeps those timers in one set under the client's own lock
 * and wakes its selector thread for each one, which thousands of concurrent exchanges contend on. Nor is it a wait on
 * {@link HttpClient#sendAsync}'s future: that completes through the common fork-join pool, one more hop, and stalls when
 * that pool's workers are blocked. Here the caller sends synchronously and a watchdog interrupts it when the limit
 * passes; {@link HttpClient#send} then cancels the exchange.
 */
public final class ClientExchange {

    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private ClientExchange() {
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("http-client-watchdog").factory());
        e.setRemoveOnCancelPolicy(true); // answered exchanges leave nothing behind
        return e;
    }

    /**
     * Sends {@code request} and waits at most {@code timeout} for the whole response.
     *
     * @throws HttpTimeoutException when the timeout passed (the exchange is cancelled)
     * @throws IOException          as {@link HttpClient#send} throws it
     * @throws InterruptedException when the caller is interrupted (the exchange is cancelled)
     */
    public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> body,
                                           Duration timeout) throws IOException, InterruptedException {
        Watch watch = new Watch(Thread.currentThread());
        ScheduledFuture<?> alarm = WATCHDOG.schedule(watch, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            HttpResponse<T> response = client.send(request, body);
            if (watch.finish()) {
                Thread.interrupted(); // the watchdog fired as the answer came: its interrupt is not the caller's
            }
            return response;
        } catch (InterruptedException e) {
            if (watch.finish()) {
                throw new HttpTimeoutException("no answer from " + request.uri().getHost() + ":"
                        + request.uri().getPort() + " within " + timeout);
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            if (watch.finish()) {
                Thread.interrupted();
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    /** Interrupts the caller once, unless the exchange finished first. */
    private static final class Watch implements Runnable {
        private final Thread caller;
        private boolean finished;
        private boolean fired;

        Watch(Thread caller) {
            this.caller = caller;
        }

        @Override
        public synchronized void run() {
            if (!finished) {
                fired = true;
                caller.interrupt();
            }
        }

        /** Ends the watch; true when it had fired. */
        synchronized boolean finish() {
            finished = true;
            return fired;
        }
    }
}
