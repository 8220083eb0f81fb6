package io.mdmsim.core.http;

/**
 * Turns a request into a response. Runs on a virtual thread, so it may block. Anything it throws is turned into a
 * response by the server's {@link ErrorMapper}.
 */
@FunctionalInterface
public interface Handler {
    HttpResponse handle(HttpRequest request) throws Exception;
}
