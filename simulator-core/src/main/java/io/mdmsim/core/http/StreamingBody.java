package io.mdmsim.core.http;

/**
 * Writes the body of a streamed {@link HttpResponse}. Called once, on the handler's virtual thread, after the
 * response head has been queued; it may write right away, or keep the sink for other threads and return at once.
 * Nothing reaches the client before it returns, so the code can register the sink before the client sees a byte.
 * If it throws, the response is cut off (the client sees an incomplete body or a reset stream).
 */
@FunctionalInterface
public interface StreamingBody {
    void open(ResponseSink sink) throws Exception;
}
