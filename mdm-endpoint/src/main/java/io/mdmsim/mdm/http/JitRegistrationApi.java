package io.mdmsim.mdm.http;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Router;
import io.mdmsim.mdm.policy.JitRegistrationPolicy;

/**
 * {@code /admin/device-configuration/jit-registration}: the device configuration policy Just in Time Registration
 * needs. GET shows it, PUT creates it (200, idempotent), DELETE removes it (409 while a profile uses it).
 */
public final class JitRegistrationApi {

    static final String PATH = "/admin/device-configuration/jit-registration";

    private final JitRegistrationPolicy policy;

    public JitRegistrationApi(JitRegistrationPolicy policy) {
        this.policy = requireNonNull(policy, "policy");
    }

    public void addRoutes(Router.Builder router) {
        router.get(PATH, r -> HttpResponse.json(200, policy.view()))
                .put(PATH, r -> HttpResponse.json(200, policy.create()))
                .delete(PATH, r -> {
                    String refused = policy.delete();
                    if (refused != null) {
                        throw HttpError.conflict(refused);
                    }
                    return HttpResponse.json(200, policy.view());
                });
    }
}
