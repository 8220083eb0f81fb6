package io.mdmsim.core.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * Where the body of a streamed response is written. Thread-safe: any thread may write; each {@code write} reaches the
 * client whole and in the order the calls were made. Writes never block: a client that reads slower than the server
 * writes is cut off once {@link #maxPendingBytes()} are waiting ({@link CloseReason#SLOW_CLIENT}).
 */
public interface ResponseSink {

    /** Why a sink is no longer open. */
    enum CloseReason {
        /** {@link #close()} was called: the body ended normally. */
        COMPLETED,
        /** The connection or the HTTP/2 stream went away (the client hung up, reset the stream, or the server closed). */
        CLIENT_GONE,
        /** More than {@link #maxPendingBytes()} were waiting to be sent; the server cut the client off. */
        SLOW_CLIENT,
        /** The server aborted the response after an error. */
        ABORTED
    }

    /** Queues {@code data} for the client; false (and nothing written) once the sink is closed. */
    boolean write(byte[] data);

    /** {@link #write(byte[])} of the text as UTF-8. */
    default boolean write(String text) {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Still accepting writes. */
    boolean isOpen();

    /** Ends the body normally. Idempotent; no effect once closed for another reason. */
    void close();

    /** Ends the response as failed: the HTTP/1.1 connection is closed, an HTTP/2 stream reset. Idempotent. */
    void abort();

    /** Completes once, when the sink closes for whatever reason; callbacks run on a Netty or caller thread, so be brief. */
    CompletionStage<CloseReason> whenClosed();

    /** Bytes written but not yet sent above which the client is cut off. */
    long maxPendingBytes();
}
