package io.mdmsim.core.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;

/** Small client-side helpers for the server tests. */
final class HttpServerTestSupport {

    private HttpServerTestSupport() {
    }

    static java.net.http.HttpResponse<String> get(HttpClient client, URI uri) {
        try {
            return client.send(java.net.http.HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + uri + ": " + e, e);
        }
    }
}
