package io.mdmsim.core.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One exchange of a JDK {@link HttpClient} with a time limit, for clients that run many exchanges at once. The limit
 * is not {@link HttpRequest.Builder#timeout}: the JDK client keeps those timers in one set under the client's lock and
 * wakes its selector thread for each one, which thousands of concurrent exchanges contend on. Here the caller waits on
 * the exchange's future with the limit and cancels the exchange when it passes.
 */
public final class ClientExchange {

    private ClientExchange() {
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
        CompletableFuture<HttpResponse<T>> exchange = client.sendAsync(request, body);
        try {
            return exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HttpTimeoutException("no answer from " + request.uri().getHost() + ":" + request.uri().getPort()
                    + " within " + timeout);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause == null ? e.toString() : cause.toString(), cause);
        }
    }
}
