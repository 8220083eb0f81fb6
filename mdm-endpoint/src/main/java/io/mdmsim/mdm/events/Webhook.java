package io.mdmsim.mdm.events;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * POSTs every event of the {@link EventLog} to a URL as one JSON object per request, in order, from one virtual
 * thread that reads the log like {@code GET /admin/events} does (so a slow receiver never slows the protocol). A
 * failed POST is logged and counted, not retried; a receiver that falls more than the log's capacity behind misses
 * the events in between (logged).
 */
public final class Webhook implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Webhook.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final EventLog events;
    private final HttpClient http;
    private final Thread worker;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile long lastSent;

    public Webhook(URI url, EventLog events) {
        this.url = requireNonNull(url, "url");
        this.events = requireNonNull(events, "events");
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        this.lastSent = events.lastSeq();
        this.worker = Thread.ofVirtual().name("mdm-webhook").start(this::run);
    }

    long delivered() {
        return delivered.get();
    }

    long failed() {
        return failed.get();
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                List<EventLog.Event> batch = events.after(lastSent, 100, Duration.ofSeconds(30));
                if (!batch.isEmpty() && batch.getFirst().seq() > lastSent + 1) {
                    LOG.log(WARNING, "webhook {0} fell behind: events {1}..{2} were dropped from the log before they"
                            + " could be sent", url, lastSent + 1, batch.getFirst().seq() - 1);
                }
                for (EventLog.Event e : batch) {
                    post(e);
                    lastSent = e.seq();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void post(EventLog.Event e) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(e.toJson()))).build();
        try {
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 == 2) {
                delivered.incrementAndGet();
                LOG.log(DEBUG, "webhook: event {0} delivered", e.seq());
            } else {
                failed.incrementAndGet();
                LOG.log(WARNING, "webhook {0} answered {1} to event {2} ({3})", url, r.statusCode(), e.seq(), e.type());
            }
        } catch (IOException ex) {
            failed.incrementAndGet();
            LOG.log(WARNING, "webhook {0}: event {1} not delivered: {2}", url, e.seq(), ex.toString());
        }
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
