package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Dispatches on method and path. A path pattern is literal segments, {@code {name}} segments (one segment each,
 * exposed as path parameters) and optionally a final {@code "/*"} that matches the rest (also nothing), exposed as
 * path parameter {@code "*"}. The most specific matching route wins: literal before parameter, exact before prefix.
 * A path no route matches is 404; a path matched only for other methods is 405 with {@code Allow}. HEAD falls back to
 * the GET route (the server sends no body for HEAD).
 */
public final class Router implements Handler {

    private final List<Route> routes; // most specific first

    private Router(List<Route> routes) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Route.SPECIFICITY);
        this.routes = List.copyOf(sorted);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws Exception {
        List<String> segments = segments(request.path());
        Set<String> allowed = new TreeSet<>();
        Route fallback = null;
        Map<String, String> fallbackParams = null;
        for (Route route : routes) {
            Map<String, String> params = route.match(segments);
            if (params == null) {
                continue;
            }
            if (route.method.equals(request.method())) {
                return route.handler.handle(withParams(request, params));
            }
            if (fallback == null && route.method.equals("GET") && request.method().equals("HEAD")) {
                fallback = route;
                fallbackParams = params;
            }
            allowed.add(route.method);
        }
        if (fallback != null) {
            return fallback.handler.handle(withParams(request, fallbackParams));
        }
        if (allowed.isEmpty()) {
            return HttpResponse.text(404, "not found: no resource at " + request.path());
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        String allow = String.join(", ", allowed);
        return HttpResponse.text(405, "method " + request.method() + " not allowed for " + request.path()
                + " (allowed: " + allow + ")").withHeader("Allow", allow);
    }

    private static HttpRequest withParams(HttpRequest request, Map<String, String> params) {
        if (params.isEmpty()) {
            return request;
        }
        Map<String, String> merged = new LinkedHashMap<>(request.pathParams());
        merged.putAll(params);
        return request.withPathParams(merged);
    }

    /** "/a/b/" -> [a, b]; "/" -> []. Empty segments from "//" are kept so they do not match a parameter. */
    static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return List.of();
        }
        return List.of(p.split("/", -1));
    }

    /** The registered routes as "METHOD pattern", most specific first. */
    public List<String> describe() {
        return routes.stream().map(r -> r.method + " " + r.pattern).toList();
    }

    @Override
    public String toString() {
        return "Router" + describe();
    }

    private static final class Route {
        private static final int LITERAL = 0;
        private static final int PARAM = 1;
        private static final int END = 2;
        private static final int REST = 3;

        static final Comparator<Route> SPECIFICITY = (a, b) -> {
            int n = Math.max(a.segments.size(), b.segments.size()) + 1;
            for (int i = 0; i < n; i++) {
                int c = Integer.compare(a.kindAt(i), b.kindAt(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };

        final String method;
        final String pattern;
        final List<String> segments; // without the trailing "*"
        final boolean prefix;
        final Handler handler;

        Route(String method, String pattern, Handler handler) {
            this.method = method;
            this.pattern = pattern;
            this.handler = handler;
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("path: " + pattern + " (expected: starting with '/')");
            }
            List<String> parts = new ArrayList<>(segments(pattern));
            boolean isPrefix = !parts.isEmpty() && parts.get(parts.size() - 1).equals("*");
            if (isPrefix) {
                parts.remove(parts.size() - 1);
            }
            Set<String> names = new HashSet<>();
            for (String s : parts) {
                if (s.isEmpty() || s.contains("*")) {
                    throw new IllegalArgumentException("path: " + pattern
                            + " (expected: non-empty segments, '*' only as the whole last segment)");
                }
                if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
                    if (!s.matches("\\{[^{}*]+}")) {
                        throw new IllegalArgumentException(
                                "path: " + pattern + " (expected: a parameter segment to be exactly {name})");
                    }
                    if (!names.add(s.substring(1, s.length() - 1))) {
                        throw new IllegalArgumentException("path: " + pattern + " (parameter " + s + " appears twice)");
                    }
                }
            }
            this.segments = List.copyOf(parts);
            this.prefix = isPrefix;
        }

        int kindAt(int i) {
            if (i < segments.size()) {
                return isParam(segments.get(i)) ? PARAM : LITERAL;
            }
            return prefix ? REST : END;
        }

        static boolean isParam(String segment) {
            return segment.startsWith("{");
        }

        /** The path parameters if this route matches, else null. */
        Map<String, String> match(List<String> path) {
            if (prefix ? path.size() < segments.size() : path.size() != segments.size()) {
                return null;
            }
            Map<String, String> params = null;
            for (int i = 0; i < segments.size(); i++) {
                String s = segments.get(i);
                String actual = path.get(i);
                if (isParam(s)) {
                    if (actual.isEmpty()) {
                        return null;
                    }
                    if (params == null) {
                        params = new LinkedHashMap<>();
                    }
                    params.put(s.substring(1, s.length() - 1), actual);
                } else if (!s.equals(actual)) {
                    return null;
                }
            }
            if (prefix) {
                if (params == null) {
                    params = new LinkedHashMap<>();
                }
                params.put("*", String.join("/", path.subList(segments.size(), path.size())));
            }
            return params == null ? Collections.emptyMap() : params;
        }
    }

    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();
        private final Set<String> keys = new HashSet<>();

        private Builder() {
        }

        public Builder get(String path, Handler handler) {
            return route("GET", path, handler);
        }

        public Builder post(String path, Handler handler) {
            return route("POST", path, handler);
        }

        public Builder put(String path, Handler handler) {
            return route("PUT", path, handler);
        }

        public Builder delete(String path, Handler handler) {
            return route("DELETE", path, handler);
        }

        /** A route for any method token ("PATCH", "OPTIONS", ...). */
        public Builder route(String method, String path, Handler handler) {
            requireNonNull(method, "method");
            requireNonNull(path, "path");
            requireNonNull(handler, "handler");
            String m = method.toUpperCase(Locale.ROOT);
            if (!m.matches("[A-Z][A-Z_-]*")) {
                throw new IllegalArgumentException("method: " + method + " (expected: an HTTP method token like GET)");
            }
            Route route = new Route(m, path, handler);
            String key = m + " " + String.join("/", route.segments.stream()
                    .map(s -> Route.isParam(s) ? "{}" : s).toList()) + (route.prefix ? "/*" : "");
            if (!keys.add(key)) {
                throw new IllegalArgumentException("duplicate route: " + m + " " + path);
            }
            routes.add(route);
            return this;
        }

        public Router build() {
            return new Router(routes);
        }
    }
}
