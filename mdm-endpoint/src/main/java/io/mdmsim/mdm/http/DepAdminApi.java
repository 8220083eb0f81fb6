package io.mdmsim.mdm.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.AdminAccess;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.mdm.dep.DepTokenService;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin API's DEP routes under {@code /admin/dep} (docs/mdm-endpoint.md "Enrollment program tokens, DEP sync,
 * enrollment profiles"): the public key and add flows, token upload (only to a loopback or allowed DEP host), renewal
 * and deletion, a token's devices and enrollment profiles, and the Sync button.
 */
final class DepAdminApi {

    private final DepTokenService dep;

    DepAdminApi(DepTokenService dep) {
        this.dep = requireNonNull(dep, "dep");
    }

    private volatile java.util.Set<String> depHosts = java.util.Set.of();

    /**
     * Hosts an uploaded token's {@code depUrl} may name besides loopback ones (the default DEP URL's and those the
     * server was told to allow): the DEP client must not be pointed at whatever a caller names.
     */
    void allowDepHosts(java.util.Collection<String> hosts) {
        java.util.Set<String> lower = new java.util.TreeSet<>();
        hosts.forEach(h -> lower.add(h.toLowerCase(Locale.ROOT)));
        this.depHosts = java.util.Set.copyOf(lower);
    }

    void addRoutes(Router.Builder router) {
        router.get("/admin/dep/public-key", this::publicKey)
                .post("/admin/dep/tokens", this::uploadToken)
                .get("/admin/dep/tokens", r -> HttpResponse.json(200, dep.list()))
                .post("/admin/dep/add-flows", r -> HttpResponse.json(201, dep.startAddFlow()))
                .delete("/admin/dep/add-flows/{id}", r -> {
                    dep.abandonAddFlow(r.pathParam("id"));
                    return HttpResponse.json(200, Map.of("abandoned", r.pathParam("id")));
                })
                .put("/admin/dep/tokens/{name}", this::renewToken)
                .delete("/admin/dep/tokens/{name}", r -> {
                    dep.delete(r.pathParam("name"));
                    return HttpResponse.json(200, Map.of("deleted", r.pathParam("name")));
                })
                .get("/admin/dep/tokens/{name}/devices", r -> HttpResponse.json(200, dep.devices(r.pathParam("name"))))
                .delete("/admin/dep/tokens/{name}/devices/{serial}", r -> {
                    dep.deleteDevice(r.pathParam("name"), r.pathParam("serial"));
                    return HttpResponse.json(200, Map.of("deleted", r.pathParam("serial")));
                })
                .get("/admin/dep/tokens/{name}/profiles", r -> HttpResponse.json(200, dep.profiles(r.pathParam("name"))))
                .post("/admin/dep/tokens/{name}/profiles", r -> HttpResponse.json(201, dep.createProfile(
                        r.pathParam("name"), Json.readRequest(r, io.mdmsim.mdm.management.EnrollmentProfile.class),
                        "true".equalsIgnoreCase(r.queryParam("default")))))
                .post("/admin/dep/tokens/{name}/profiles/{uuid}/devices", r -> HttpResponse.json(200,
                        dep.assignProfile(r.pathParam("name"), r.pathParam("uuid"), serials(r))))
                .delete("/admin/dep/tokens/{name}/profiles/{uuid}", r -> {
                    if (r.pathParam("uuid").equals("default")) {
                        dep.deleteProfile(r.pathParam("name"));
                    } else {
                        dep.deleteProfile(r.pathParam("name"), r.pathParam("uuid"));
                    }
                    return HttpResponse.json(200, Map.of("deleted", r.pathParam("uuid")));
                })
                .post("/admin/dep/tokens/{name}/sync", r -> HttpResponse.json(202, dep.syncNow(r.pathParam("name"),
                        "true".equalsIgnoreCase(r.queryParam("full")))
                        .orElseThrow(() -> HttpError.notFound("DEP token " + r.pathParam("name")
                                + " is unknown (see GET /admin/dep/tokens)"))));
    }

    private static List<String> serials(HttpRequest r) {
        JsonNode body = Json.readRequest(r, JsonNode.class);
        List<String> out = new java.util.ArrayList<>();
        body.path("serials").forEach(n -> out.add(n.asText()));
        return out;
    }

    private HttpResponse publicKey(HttpRequest request) {
        return HttpResponse.ok(Pem.encode(dep.keyPair().certificate()).getBytes(StandardCharsets.US_ASCII),
                HttpResponse.TEXT_PLAIN);
    }

    private HttpResponse uploadToken(HttpRequest request) {
        String depUrl = request.queryParam("depUrl");
        URI url = null;
        if (depUrl != null && !depUrl.isEmpty()) {
            try {
                url = new URI(depUrl);
            } catch (URISyntaxException e) {
                throw HttpError.badRequest("depUrl: " + depUrl + " (expected: an absolute http(s) URL: " + e.getReason() + ")");
            }
            if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                    || url.getHost() == null) {
                throw HttpError.badRequest("depUrl: " + depUrl + " (expected: an absolute http(s) URL)");
            }
            String host = url.getHost().toLowerCase(Locale.ROOT);
            if (!AdminAccess.isLoopback(host) && !depHosts.contains(host)) {
                throw HttpError.badRequest("depUrl: " + depUrl + " (expected: a loopback URL" + (depHosts.isEmpty()
                        ? "" : " or one on " + String.join(", ", depHosts)) + "; allow another DEP host with"
                        + " --allow-dep-host)");
            }
        }
        java.util.List<String> tags = io.mdmsim.mdm.dep.ScopeTags.parse(request.queryParam("scopeTags"));
        Map<String, Object> created = dep.upload(request.body(), request.queryParam("appleId"), url,
                request.queryParam("name"), request.queryParam("flow"));
        if (request.queryParam("scopeTags") != null) {
            created = new LinkedHashMap<>(created);
            created.putAll(dep.scopeTags((String) created.get("name"), tags));
        }
        return HttpResponse.json(202, created);
    }

    /** A renewal, with the "Scope tags" page of the 2023 page: {@code ?scopeTags=} replaces them when given. */
    private HttpResponse renewToken(HttpRequest request) {
        String name = request.pathParam("name");
        java.util.List<String> tags = io.mdmsim.mdm.dep.ScopeTags.parse(request.queryParam("scopeTags"));
        Map<String, Object> renewed = new LinkedHashMap<>(dep.renew(name, request.body(), request.queryParam("appleId")));
        if (request.queryParam("scopeTags") != null) {
            Object warnings = renewed.get("warnings");
            renewed.putAll(dep.scopeTags(name, tags));
            renewed.put("warnings", warnings);
        }
        return HttpResponse.json(200, renewed);
    }
}
