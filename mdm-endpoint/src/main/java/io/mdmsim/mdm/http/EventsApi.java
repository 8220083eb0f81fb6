package io.mdmsim.mdm.http;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.ResponseSink;
import io.mdmsim.mdm.events.EventLog;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;

/** The admin API's event stream, {@code GET /admin/events}: JSON lines, long-polled or followed as a streamed body. */
final class EventsApi {

    static final String NDJSON = "application/x-ndjson";
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Duration FOLLOW_HEARTBEAT = Duration.ofSeconds(15);

    private final EventLog events;

    EventsApi(EventLog events) {
        this.events = requireNonNull(events, "events");
    }

    /**
     * {@code GET /admin/events?after=<seq>&limit=<n>&wait=<seconds>}: the events after {@code seq} as JSON lines;
     * with {@code wait}, blocks until there is one or the wait is over (long-poll). Header {@code X-Mdmsim-Last-Seq}
     * is the seq to pass as {@code after} next time. With {@code follow=true} the response does not end: every
     * event is written as it happens (a streamed body) until the client hangs up.
     */
    HttpResponse events(HttpRequest request) throws InterruptedException {
        long after = longParam(request, "after", 0, 0, Long.MAX_VALUE);
        if ("true".equals(request.queryParam("follow"))) {
            return HttpResponse.streaming(200, NDJSON, sink -> follow(sink, after));
        }
        int limit = (int) longParam(request, "limit", 1000, 1, 10_000);
        long waitSeconds = longParam(request, "wait", 0, 0, MAX_WAIT.toSeconds());
        List<EventLog.Event> list = events.after(after, limit, Duration.ofSeconds(waitSeconds));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (EventLog.Event e : list) {
            out.writeBytes(Json.write(e.toJson()));
            out.write('\n');
        }
        long last = list.isEmpty() ? Math.max(after, 0) : list.getLast().seq();
        return HttpResponse.of(200, out.toByteArray(), NDJSON).withHeader("X-Mdmsim-Last-Seq", Long.toString(last));
    }

    /** Writes the events after {@code after}, then each new one, from a virtual thread until the sink closes. */
    private void follow(ResponseSink sink, long after) {
        Thread writer = Thread.ofVirtual().name("mdm-events-follow").start(() -> {
            long last = after;
            try {
                while (sink.isOpen()) {
                    List<EventLog.Event> batch = events.after(last, 1000, FOLLOW_HEARTBEAT);
                    if (batch.isEmpty()) {
                        // An empty line now and then: proxies keep the connection, and a gone client is noticed.
                        sink.write("\n");
                        continue;
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    for (EventLog.Event e : batch) {
                        out.writeBytes(Json.write(e.toJson()));
                        out.write('\n');
                        last = e.seq();
                    }
                    if (!sink.write(out.toByteArray())) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                sink.close();
            }
        });
        sink.whenClosed().thenRun(writer::interrupt);
    }

    private static long longParam(HttpRequest request, String name, long dflt, long min, long max) {
        String v = request.queryParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpError.badRequest(name + ": " + v + " (expected: an integer " + min + ".." + max + ")");
    }
}
