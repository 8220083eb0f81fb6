package io.mdmsim.mdm.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import io.mdmsim.mdm.policy.PolicyAdmin;
import io.mdmsim.mdm.policy.VppTokenAdmin;
import java.util.List;
import java.util.Locale;

/**
 * The enrollment policy's routes of the JSON admin API (loopback, like the rest of {@code /admin}):
 * {@code GET/PUT /admin/policy}, {@code GET/POST /admin/vpp-tokens}, {@code GET/PUT/DELETE /admin/vpp-tokens/{name}}
 * and {@code GET /admin/alerts}. It reads the body and answers with what {@link PolicyAdmin} and {@link VppTokenAdmin} return.
 */
public final class PolicyAdminApi {

    private final PolicyAdmin admin;
    private final VppTokenAdmin vpp;

    public PolicyAdminApi(PolicyAdmin admin, VppTokenAdmin vpp) {
        this.admin = requireNonNull(admin, "admin");
        this.vpp = requireNonNull(vpp, "vpp");
    }

    public void addRoutes(Router.Builder router) {
        router.get("/admin/policy", r -> HttpResponse.json(200, admin.policyJson()))
                .put("/admin/policy", r -> HttpResponse.json(200, admin.updatePolicy(object(r))))
                .get("/admin/vpp-tokens", r -> HttpResponse.json(200, vpp.list()))
                .post("/admin/vpp-tokens", r -> HttpResponse.json(201, vpp.add(object(r))))
                .get("/admin/vpp-tokens/{name}", r -> HttpResponse.json(200, vpp.get(r.pathParam("name"))))
                .put("/admin/vpp-tokens/{name}", r -> HttpResponse.json(200, vpp.update(r.pathParam("name"),
                        object(r))))
                .delete("/admin/vpp-tokens/{name}", r -> HttpResponse.json(200,
                        vpp.delete(r.pathParam("name"))))
                .get("/admin/alerts", r -> HttpResponse.json(200, admin.alertsJson()));
    }

    private static JsonNode object(HttpRequest r) {
        JsonNode body = Json.readRequest(r, JsonNode.class);
        if (!body.isObject()) {
            throw PolicyAdmin.bad(List.of("body: " + body.getNodeType().name().toLowerCase(Locale.ROOT)
                    + " (expected: a JSON object)"));
        }
        return body;
    }
}
