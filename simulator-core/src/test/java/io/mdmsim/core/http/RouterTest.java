package io.mdmsim.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static Handler says(String what) {
        return r -> HttpResponse.text(200, what + " " + new java.util.TreeMap<>(r.pathParams()));
    }

    private static String call(Router router, String method, String uri) throws Exception {
        HttpResponse response = router.handle(HttpRequest.of(method, uri, null));
        return response.status() + " " + response.bodyText();
    }

    @Test
    void literalBeatsParameterBeatsPrefixWhateverTheRegistrationOrder() throws Exception {
        Router router = Router.builder()
                .get("/admin/*", says("prefix"))
                .get("/admin/devices/{udid}", says("param"))
                .get("/admin/devices/current", says("literal"))
                .get("/admin/devices/{udid}/*", says("param-prefix"))
                .build();
        assertEquals("200 literal {}", call(router, "GET", "/admin/devices/current"));
        assertEquals("200 param {udid=U1}", call(router, "GET", "/admin/devices/U1"));
        assertEquals("200 param-prefix {*=commands/1, udid=U1}", call(router, "GET", "/admin/devices/U1/commands/1"));
        assertEquals("200 prefix {*=clock}", call(router, "GET", "/admin/clock"));
        assertEquals("200 prefix {*=}", call(router, "GET", "/admin"));
        assertEquals(List.of("GET /admin/devices/current", "GET /admin/devices/{udid}",
                "GET /admin/devices/{udid}/*", "GET /admin/*"), router.describe());
    }

    @Test
    void aMoreSpecificRouteForAnotherMethodDoesNotHideALessSpecificOne() throws Exception {
        Router router = Router.builder()
                .post("/profile/devices", says("assign"))
                .get("/profile/{x}", says("any"))
                .build();
        assertEquals("200 any {x=devices}", call(router, "GET", "/profile/devices"));
        assertEquals("200 assign {}", call(router, "POST", "/profile/devices"));
        assertEquals("405 method PUT not allowed for /profile/devices (allowed: GET, HEAD, POST)",
                call(router, "PUT", "/profile/devices"));
    }

    @Test
    void trailingSlashIsIgnoredButEmptySegmentsDoNotMatchParameters() throws Exception {
        Router router = Router.builder().get("/a/{b}", says("ab")).get("/", says("root")).build();
        assertEquals("200 ab {b=x}", call(router, "GET", "/a/x/"));
        assertEquals("404 not found: no resource at /a//", call(router, "GET", "/a//"));
        assertEquals("200 root {}", call(router, "GET", "/"));
    }

    @Test
    void nestedRoutersKeepOuterParameters() throws Exception {
        Router inner = Router.builder().get("/t/{tenant}/x/{id}", r -> HttpResponse.text(200,
                r.pathParam("tenant") + "/" + r.pathParam("id") + "/" + r.pathParam("*"))).build();
        Router outer = Router.builder().get("/t/{tenant}/*", inner).build();
        assertEquals("200 acme/7/x/7", call(outer, "GET", "/t/acme/x/7"));
    }

    @Test
    void methodsAreCaseInsensitiveAtRegistration() throws Exception {
        Router router = Router.builder().route("patch", "/x", says("patched")).build();
        assertEquals("200 patched {}", call(router, "PATCH", "/x"));
    }

    @Test
    void badPatternsAreRejectedWithTheReason() {
        assertEquals("path: x (expected: starting with '/')", reject("GET", "x"));
        assertEquals("path: /a/*/b (expected: non-empty segments, '*' only as the whole last segment)",
                reject("GET", "/a/*/b"));
        assertEquals("path: /a//b (expected: non-empty segments, '*' only as the whole last segment)",
                reject("GET", "/a//b"));
        assertEquals("path: /a/x{id} (expected: a parameter segment to be exactly {name})", reject("GET", "/a/x{id}"));
        assertEquals("path: /a/{} (expected: a parameter segment to be exactly {name})", reject("GET", "/a/{}"));
        assertEquals("path: /{a}/{a} (parameter {a} appears twice)", reject("GET", "/{a}/{a}"));
        assertEquals("method: G T (expected: an HTTP method token like GET)", reject("G T", "/"));
        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                () -> Router.builder().get("/a/{x}", says("1")).get("/a/{y}", says("2")));
        assertEquals("duplicate route: GET /a/{y}", duplicate.getMessage());
    }

    private static String reject(String method, String path) {
        return assertThrows(IllegalArgumentException.class,
                () -> Router.builder().route(method, path, says("x"))).getMessage();
    }

    @Test
    void pathParamThatTheRouteDoesNotHaveIsAProgrammingError() {
        HttpRequest request = HttpRequest.of("GET", "/x", null).withPathParams(Map.of("udid", "U"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> request.pathParam("serial"));
        assertEquals("no path parameter 'serial' in the matched route (have: [udid])", e.getMessage());
    }
}
