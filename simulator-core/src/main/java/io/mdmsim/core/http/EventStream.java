package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A {@code text/event-stream} body (WHATWG HTML "Server-sent events") over a {@link ResponseSink}: named events with
 * data, and comment lines for keep-alive.
 *
 * <pre>{@code
 * router.get("/events", r -> EventStream.response(events -> registry.add(events)));
 * // later, from any thread:
 * events.event("push", "{\"token\":\"...\"}");
 * }</pre>
 */
public final class EventStream {

    public static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private final ResponseSink sink;

    public EventStream(ResponseSink sink) {
        this.sink = requireNonNull(sink, "sink");
    }

    /** A 200 {@code text/event-stream} response, uncached; {@code onOpen} gets the stream (see {@link StreamingBody}). */
    public static HttpResponse response(Consumer<EventStream> onOpen) {
        requireNonNull(onOpen, "onOpen");
        HttpResponse r = HttpResponse.streaming(200, CONTENT_TYPE, sink -> onOpen.accept(new EventStream(sink)));
        return r.withHeader("Cache-Control", "no-cache");
    }

    /** One event; a multi-line {@code data} becomes several {@code data:} lines. False once closed. */
    public boolean event(String name, String data) {
        return sink.write(format(name, data));
    }

    /** A comment line ({@code ": text"}), ignored by clients; keeps proxies and idle timers from closing the stream. */
    public boolean comment(String text) {
        requireNonNull(text, "text");
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("comment: " + text.replace("\n", "\\n").replace("\r", "\\r")
                    + " (expected: a single line)");
        }
        return sink.write((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The wire form of one event: {@code event: name\ndata: line\n...\n\n}. */
    public static String format(String name, String data) {
        requireNonNull(data, "data");
        StringBuilder b = new StringBuilder(data.length() + 32);
        if (name != null) {
            if (name.isEmpty() || name.chars().anyMatch(c -> c == '\n' || c == '\r')) {
                throw new IllegalArgumentException("event name: '" + name + "' (expected: a non-empty single line)");
            }
            b.append("event: ").append(name).append('\n');
        }
        for (String line : data.split("\r\n|\r|\n", -1)) {
            b.append("data: ").append(line).append('\n');
        }
        return b.append('\n').toString();
    }

    public boolean isOpen() {
        return sink.isOpen();
    }

    public void close() {
        sink.close();
    }

    public CompletionStage<ResponseSink.CloseReason> whenClosed() {
        return sink.whenClosed();
    }

    public ResponseSink sink() {
        return sink;
    }

    @Override
    public String toString() {
        return "EventStream[" + (sink.isOpen() ? "open" : "closed") + "]";
    }
}
