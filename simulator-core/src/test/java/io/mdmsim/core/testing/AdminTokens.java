package io.mdmsim.core.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin tokens of the servers a test started, by address, so that the tests' HTTP helpers can send each admin
 * request with its server's token ({@code Authorization: Bearer}) as every real client must. Fixtures register the
 * servers they start; requests that already carry an Authorization header are left alone.
 */
public final class AdminTokens {

    private static final Map<String, String> BY_AUTHORITY = new ConcurrentHashMap<>();

    private AdminTokens() {
    }

    /** The server at {@code base} (scheme, host and port) answers to {@code token}. */
    public static void register(URI base, String token) {
        if (base != null && token != null) {
            BY_AUTHORITY.put(key(base), token);
        }
    }

    /** The token registered for the server at {@code base}, or null. */
    public static String of(URI base) {
        return BY_AUTHORITY.get(key(base));
    }

    /** {@code request} with its server's admin token when it goes to {@code /admin} and carries none yet. */
    public static HttpRequest authorize(HttpRequest request) {
        URI uri = request.uri();
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!(path.equals("/admin") || path.startsWith("/admin/"))
                || request.headers().firstValue("Authorization").isPresent()) {
            return request;
        }
        String token = BY_AUTHORITY.get(key(uri));
        if (token == null) {
            return request;
        }
        return HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", "Bearer " + token)
                .build();
    }

    private static String key(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }
}
