package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.Handler;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Thin HTTP adapters for {@link AdminService} and {@link CloudConfigService}: JSON (or plist) in and out. */
final class AdminHandlers {

    static final String P7M_CONTENT_TYPE = "application/pkcs7-mime; name=\"smime.p7m\"; smime-type=enveloped-data";

    private final AdminService admin;
    private final CloudConfigService cloudConfig;

    AdminHandlers(AdminService admin, CloudConfigService cloudConfig) {
        this.admin = requireNonNull(admin, "admin");
        this.cloudConfig = requireNonNull(cloudConfig, "cloudConfig");
    }

    void addRoutes(Router.Builder router) {
        router.post("/cloudconfig", r -> {
            try {
                return HttpResponse.ok(cloudConfig.cloudConfiguration(r.header("Content-Type"), r.body()), "application/xml");
            } catch (CloudConfigService.Refusal e) {
                return HttpResponse.text(e.status(), e.getMessage());
            }
        });
        router.get("/admin/devices", admin(r -> HttpResponse.json(200, admin.devices(r.queryParam("mdmServer")))));
        router.get("/admin/devices/{serial}", admin(r -> HttpResponse.json(200, admin.device(r.pathParam("serial")))));
        router.get("/admin/mdm-servers", admin(r -> HttpResponse.json(200, admin.servers())));
        router.post("/admin/mdm-servers", admin(r -> {
            JsonNode body = object(r);
            AdminService.AdminServer created = admin.createServer(text(body, "name"), text(body, "certificatePem"));
            return HttpResponse.json(201, Map.of("name", created.name()));
        }));
        router.get("/admin/mdm-servers/{name}", admin(r -> HttpResponse.json(200, admin.server(r.pathParam("name")))));
        router.get("/admin/mdm-servers/{name}/token", admin(r -> {
            String name = r.pathParam("name");
            return HttpResponse.ok(admin.downloadToken(name), P7M_CONTENT_TYPE)
                    .withHeader("Content-Disposition", "attachment; filename=\"" + fileName(name) + "_Token.p7m\"");
        }));
        router.post("/admin/assignments", admin(r -> {
            JsonNode body = object(r);
            JsonNode all = body.get("all");
            if (all != null && !all.isBoolean()) {
                throw HttpError.badRequest("all: " + all + " (expected: true or false)");
            }
            int n = admin.assign(text(body, "mdmServer"), strings(body, "serials"), all != null && all.booleanValue());
            return HttpResponse.json(200, Map.of("assigned", n));
        }));
        router.get("/admin/clock", admin(r -> HttpResponse.json(200, admin.clock())));
        router.post("/admin/clock", admin(r -> {
            JsonNode body = object(r);
            return HttpResponse.json(200, admin.moveClock(text(body, "advance"), text(body, "set")));
        }));
    }

    private static Handler admin(Handler h) {
        return request -> {
            try {
                return h.handle(request);
            } catch (AdminService.AdminError e) {
                return HttpResponse.text(e.status(), e.getMessage());
            }
        };
    }

    private static JsonNode object(HttpRequest r) {
        JsonNode body = Json.read(r.body(), JsonNode.class);
        if (body == null || !body.isObject()) {
            throw HttpError.badRequest("body: expected a JSON object");
        }
        return body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw HttpError.badRequest(field + ": " + n + " (expected: a string)");
        }
        return n.textValue();
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw HttpError.badRequest(field + ": expected an array of strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw HttpError.badRequest(field + ": contains " + item + " (expected: strings)");
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static String fileName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
