package io.mdmsim.mdm.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.HttpError;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The administrator's operations on VPP tokens and their Company Portal licences ({@code /admin/vpp-tokens}, routes in
 * {@code http.PolicyAdminApi}): list, show, add, change, delete. As {@link PolicyAdmin}: every violation of a request
 * is named in one 400, and nothing changes unless the whole request is valid.
 */
public final class VppTokenAdmin {

    static final List<String> VPP_KEYS = List.of("name", "organization", "expiry", "companyPortalLicenses");
    static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");

    private final PolicyService policy;

    public VppTokenAdmin(PolicyService policy) {
        this.policy = requireNonNull(policy, "policy");
    }

    /** A VPP token as the admin API shows it; {@code profiles} are the enrollment profiles that use it. */
    public record VppTokenView(String name, String organization, String expiry, boolean expired, long daysToExpiry,
            LicenseCount companyPortalLicenses, List<String> holders, List<String> profiles) {
    }

    /** A token's Company Portal licences: how many it has, are held, are left. */
    public record LicenseCount(int total, int used, int available) {
    }

    /** What {@code DELETE /admin/vpp-tokens/{name}} answers. */
    public record Deleted(String deleted) {
    }

    public List<VppTokenView> list() {
        policy.evaluateAlerts();
        List<String> names;
        synchronized (policy) {
            names = List.copyOf(policy.vppTokens.keySet());
        }
        List<VppTokenView> out = new ArrayList<>();
        for (String n : names) {
            try {
                out.add(get(n));
            } catch (HttpError deletedMeanwhile) {
                // gone
            }
        }
        return out;
    }

    public VppTokenView get(String name) {
        List<String> using = policy.profilesUsing(name);
        Instant now = policy.clock().now();
        synchronized (policy) {
            VppToken t = existing(name);
            return new VppTokenView(t.name, t.organization, t.expiry.toString(), t.expired(now),
                    Duration.between(now, t.expiry).toDays(),
                    new LicenseCount(t.companyPortalLicenses, t.holders.size(), t.available()), List.copyOf(t.holders),
                    using);
        }
    }

    private VppToken existing(String name) {
        VppToken t = policy.vppTokens.get(name);
        if (t == null) {
            throw HttpError.notFound("VPP token " + name + " is unknown (expected: one of "
                    + (policy.vppTokens.isEmpty() ? "none yet" : String.join(", ", policy.vppTokens.keySet()))
                    + "; see GET /admin/vpp-tokens)");
        }
        return t;
    }

    public VppTokenView add(JsonNode body) {
        List<String> v = new ArrayList<>();
        unknownKeys(body, VPP_KEYS, v);
        String name = text(body, "name", v, true);
        if (name != null && !TOKEN_NAME.matcher(name).matches()) {
            v.add("name: " + body.get("name") + " (expected: 1 to 64 letters, digits, spaces, '.', '_' or '-',"
                    + " starting with a letter or digit)");
            name = null;
        }
        String organization = text(body, "organization", v, false);
        Instant expiry = expiry(body, v, true);
        Integer licenses = count(body, v, true);
        if (!v.isEmpty()) {
            throw PolicyAdmin.bad(v);
        }
        synchronized (policy) {
            if (policy.vppTokens.containsKey(name)) {
                throw HttpError.conflict("VPP token " + name + " already exists (change it with PUT /admin/vpp-tokens/"
                        + name + ")");
            }
            policy.vppTokens.put(name, new VppToken(name, organization, expiry, licenses));
        }
        policy.persist();
        policy.emit("vpp.token.added", PolicyService.data("vppToken", name, "expiry", expiry.toString(),
                "companyPortalLicenses", licenses));
        policy.evaluateAlerts();
        return get(name);
    }

    public VppTokenView update(String name, JsonNode body) {
        synchronized (policy) {
            existing(name);
        }
        List<String> v = new ArrayList<>();
        unknownKeys(body, VPP_KEYS, v);
        if (body.has("name") && !name.equals(body.get("name").asText())) {
            v.add("name: " + body.get("name") + " (a token cannot be renamed; expected: " + name + " or leave it out)");
        }
        String organization = body.has("organization") ? text(body, "organization", v, false) : null;
        Instant expiry = expiry(body, v, false);
        Integer licenses = count(body, v, false);
        if (body.isEmpty()) {
            v.add("body: empty object (expected: at least one of organization, expiry, companyPortalLicenses)");
        }
        if (!v.isEmpty()) {
            throw PolicyAdmin.bad(v);
        }
        synchronized (policy) {
            VppToken t = existing(name);
            if (body.has("organization")) {
                t.organization = organization;
            }
            if (expiry != null) {
                t.expiry = expiry;
            }
            if (licenses != null) {
                t.companyPortalLicenses = licenses;
            }
        }
        policy.persist();
        policy.emit("vpp.token.changed", PolicyService.data("vppToken", name, "keys",
                PolicyAdmin.iterable(body.fieldNames())));
        policy.evaluateAlerts();
        return get(name);
    }

    public Deleted delete(String name) {
        synchronized (policy) {
            existing(name);
        }
        List<String> using = policy.profilesUsing(name);
        if (!using.isEmpty()) {
            throw HttpError.conflict("VPP token " + name + " is used by enrollment profile" + (using.size() == 1 ? " " : "s ")
                    + String.join(", ", using) + " (expected: change or delete those profiles first)");
        }
        synchronized (policy) {
            policy.vppTokens.remove(name);
        }
        policy.persist();
        policy.emit("vpp.token.deleted", PolicyService.data("vppToken", name));
        policy.evaluateAlerts();
        return new Deleted(name);
    }

    private static void unknownKeys(JsonNode body, List<String> allowed, List<String> v) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!allowed.contains(key)) {
                v.add("unknown key " + key + " (expected: one of " + String.join(", ", allowed) + ")");
            }
        }
    }

    private static String text(JsonNode body, String key, List<String> v, boolean required) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            if (required) {
                v.add(key + ": missing (expected: a string)");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            v.add(key + ": " + n + " (expected: a non-empty string)");
            return null;
        }
        return n.asText();
    }

    private static Instant expiry(JsonNode body, List<String> v, boolean required) {
        JsonNode n = body.get("expiry");
        String expected = "an ISO-8601 instant such as 2027-06-30T00:00:00Z or a date such as 2027-06-30";
        if (n == null) {
            if (required) {
                v.add("expiry: missing (expected: " + expected + ")");
            }
            return null;
        }
        if (!n.isTextual()) {
            v.add("expiry: " + n + " (expected: " + expected + ")");
            return null;
        }
        String s = n.asText();
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                v.add("expiry: " + n + " (expected: " + expected + ")");
                return null;
            }
        }
    }

    private static Integer count(JsonNode body, List<String> v, boolean required) {
        JsonNode n = body.get("companyPortalLicenses");
        if (n == null) {
            if (required) {
                v.add("companyPortalLicenses: missing (expected: the number of Company Portal licenses, >= 0)");
            }
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
            v.add("companyPortalLicenses: " + n + " (expected: a whole number >= 0)");
            return null;
        }
        return n.asInt();
    }
}
