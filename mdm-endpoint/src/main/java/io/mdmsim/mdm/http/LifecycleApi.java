package io.mdmsim.mdm.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import io.mdmsim.mdm.dep.DepTokenService;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.reference.DeviceLifecycle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Admin routes of the device lifecycle (docs/mdm-endpoint.md "Editing a profile, wipe, retire, re-enrollment"): profile edits, wipe and retire.
 * <ul>
 * <li>{@code GET /admin/dep/tokens/{name}/profiles/{uuid}}: one profile with its revision and ABM profile_uuid.</li>
 * <li>{@code PUT /admin/dep/tokens/{name}/profiles/{uuid}}: the whole edited profile (JSON, like a new one); 200 with
 * {@code changed} and {@code reassigned}; 400 with every violation, or for an unknown setting.</li>
 * <li>{@code POST /admin/devices/{udid}/wipe}: 202, EraseDevice queued and a push.</li>
 * <li>{@code POST /admin/devices/{udid}/retire}: 202, RemoveProfile of the enrollment profile and a push.</li>
 * </ul>
 */
public final class LifecycleApi {

    /** The settings an enrollment profile JSON may have (EnrollmentProfile's components). */
    static final Set<String> SETTINGS = Arrays.stream(EnrollmentProfile.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName)
            .collect(Collectors.toCollection(java.util.LinkedHashSet::new));

    private final DepTokenService dep;
    private final DeviceLifecycle lifecycle;

    public LifecycleApi(DepTokenService dep, DeviceLifecycle lifecycle) {
        this.dep = requireNonNull(dep, "dep");
        this.lifecycle = requireNonNull(lifecycle, "lifecycle");
    }

    public void addRoutes(Router.Builder router) {
        router.get("/admin/dep/tokens/{name}/profiles/{uuid}", r -> HttpResponse.json(200,
                        dep.profile(r.pathParam("name"), r.pathParam("uuid"))))
                .put("/admin/dep/tokens/{name}/profiles/{uuid}", r -> HttpResponse.json(200,
                        dep.editProfile(r.pathParam("name"), r.pathParam("uuid"), profile(r))))
                .post("/admin/devices/{udid}/wipe", r -> HttpResponse.json(202, lifecycle.wipe(r.pathParam("udid"))))
                .post("/admin/devices/{udid}/retire", r -> HttpResponse.json(202,
                        lifecycle.retire(r.pathParam("udid"))));
    }

    /** The edited profile: a JSON object of known settings (the JSON mapper alone would ignore a misspelt one). */
    static EnrollmentProfile profile(HttpRequest request) {
        Json.requireJson(request);
        byte[] body = request.body();
        JsonNode tree = Json.read(body, JsonNode.class);
        if (tree == null || !tree.isObject()) {
            throw HttpError.badRequest("body: " + (tree == null ? "null" : tree.getNodeType().name().toLowerCase(
                    java.util.Locale.ROOT)) + " (expected: a JSON object with the profile's settings)");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!SETTINGS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new HttpError(400, "application/json", Json.write(Map.of("error", "unknown setting"
                    + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " (expected: "
                    + String.join(", ", SETTINGS) + ")", "unknown", unknown)));
        }
        return Json.read(body, EnrollmentProfile.class);
    }
}
