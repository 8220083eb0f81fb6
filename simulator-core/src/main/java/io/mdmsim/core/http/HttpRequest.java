package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One aggregated HTTP request as a handler sees it.
 *
 * @param method           upper case, as sent ("GET")
 * @param path             decoded path without the query ("/devices/ABC")
 * @param query            decoded query parameters in order of appearance
 * @param headers          request headers (case-insensitive names)
 * @param body             the whole body, empty if none
 * @param pathParams       values of the route's {@code {name}} segments; {@code "*"} holds the rest of a prefix route
 * @param remote           the peer, or null when not known
 * @param peerCertificates the TLS client's certificate chain (leaf first), empty without TLS or client certificate
 */
public record HttpRequest(String method, String path, Map<String, List<String>> query, HttpHeaders headers,
        byte[] body, Map<String, String> pathParams, InetSocketAddress remote,
        List<X509Certificate> peerCertificates) {

    public HttpRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        query = query == null ? Map.of() : copyQuery(query);
        headers = headers == null ? new DefaultHttpHeaders() : headers;
        body = body == null ? new byte[0] : body;
        pathParams = pathParams == null ? Map.of() : Map.copyOf(pathParams);
        peerCertificates = peerCertificates == null ? List.of() : List.copyOf(peerCertificates);
    }

    /**
     * A request built from a method, a request target with optional query ({@code "/profile?profile_uuid=1"}) and a
     * body; for testing handlers without a server.
     */
    public static HttpRequest of(String method, String uri, byte[] body) {
        requireNonNull(uri, "uri");
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        return new HttpRequest(method, decoder.path(), decoder.parameters(), new DefaultHttpHeaders(), body,
                Map.of(), null, List.of());
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** Every value of a header, in order (empty if absent), so handlers need no Netty type to count them. */
    public List<String> headerValues(String name) {
        return headers.getAll(name);
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a query parameter; a missing or empty one is answered with 400. */
    public String requiredQueryParam(String name) {
        String value = queryParam(name);
        if (value == null || value.isEmpty()) {
            throw HttpError.badRequest("missing query parameter '" + name + "'");
        }
        return value;
    }

    /** The value of a {@code {name}} segment of the matched route. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException(
                    "no path parameter '" + name + "' in the matched route (have: " + pathParams.keySet() + ")");
        }
        return value;
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** This request with other path parameters. */
    public HttpRequest withPathParams(Map<String, String> params) {
        return new HttpRequest(method, path, query, headers, body, params, remote, peerCertificates);
    }

    /** This request with another header value (replacing any present). */
    public HttpRequest withHeader(String name, String value) {
        HttpHeaders copy = headers.copy();
        copy.set(name, value);
        return new HttpRequest(method, path, query, copy, body, pathParams, remote, peerCertificates);
    }

    private static Map<String, List<String>> copyQuery(Map<String, List<String>> query) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        query.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : " " + query) + " (" + body.length + " bytes)";
    }
}
