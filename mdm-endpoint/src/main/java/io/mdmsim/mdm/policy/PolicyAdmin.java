package io.mdmsim.mdm.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The administrator's operations on the enrollment policy, from and to the admin API's JSON documents (the routes are
 * {@code http.PolicyAdminApi}): the policy (device type restrictions, corporate identifiers, licences), VPP tokens and
 * alerts. Every bad input is a 400 with a JSON body {@code {"error", "violations"}} naming the key, what it was and
 * what is allowed; nothing is changed unless the whole request is valid. It lives beside {@link PolicyService} because
 * it edits the policy's state under the policy's lock.
 *
 * <p>It is a little over 400 lines because each admin operation validates its whole document (every violation named)
 * before it changes anything; the routes are elsewhere.
 */
public final class PolicyAdmin {

    static final Set<String> POLICY_KEYS = Set.of("deviceTypeRestrictions", "corporateIdentifiers", "userLicenses",
            "deviceLicenses");
    static final List<String> POLICY_KEY_ORDER = List.of("deviceTypeRestrictions", "corporateIdentifiers",
            "userLicenses", "deviceLicenses");
    static final List<String> RESTRICTION_KEYS = List.of("ios", "ipados", "personallyOwned");
    static final List<String> IDENTIFIER_KEYS = List.of("serials", "imeis", "addSerials", "removeSerials", "addImeis",
            "removeImeis");
    static final List<String> LICENSE_KEYS = List.of("total", "release");
    static final List<String> READ_ONLY = List.of("companyPortalLicenses", "alertThresholds", "used", "available",
            "holders");
    static final List<String> VPP_KEYS = List.of("name", "organization", "expiry", "companyPortalLicenses");
    static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9]{1,32}");
    static final Pattern IMEI = Pattern.compile("[0-9]{15}");
    static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");

    private final PolicyService policy;

    public PolicyAdmin(PolicyService policy) {
        this.policy = requireNonNull(policy, "policy");
    }

    public static HttpError bad(List<String> violations) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", String.join("; ", violations));
        body.put("violations", violations);
        return new HttpError(400, HttpResponse.APPLICATION_JSON, Json.write(body));
    }

    // ---- policy -----------------------------------------------------------------------------------------------

    public Map<String, Object> policyJson() {
        policy.evaluateAlerts();
        Map<String, Object> m = new LinkedHashMap<>();
        synchronized (policy) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("ios", word(policy.iosAllowed));
            r.put("ipados", word(policy.ipadosAllowed));
            r.put("personallyOwned", word(policy.personalAllowed));
            m.put("deviceTypeRestrictions", r);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("serials", List.copyOf(policy.corporateSerials));
            c.put("imeis", List.copyOf(policy.corporateImeis));
            m.put("corporateIdentifiers", c);
            m.put("userLicenses", policy.userLicenses.json());
            m.put("deviceLicenses", policy.deviceLicenses.json());
            List<Map<String, Object>> cp = new ArrayList<>();
            for (VppToken t : policy.vppTokens.values()) {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("vppToken", t.name);
                u.put("total", t.companyPortalLicenses);
                u.put("used", t.holders.size());
                u.put("available", t.available());
                cp.add(u);
            }
            m.put("companyPortalLicenses", cp);
        }
        m.put("alertThresholds", thresholds());
        return m;
    }

    private static Map<String, Object> thresholds() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("vppExpiryWarningDays", PolicyService.EXPIRY_WARNING.toDays());
        a.put("lowLicensesCount", PolicyService.LOW_LICENSES_COUNT);
        a.put("lowLicensesPercent", PolicyService.LOW_LICENSES_PERCENT);
        return a;
    }

    private static String word(boolean allowed) {
        return allowed ? "allowed" : "blocked";
    }

    /** A partial update: only the keys present change; all or nothing. */
    public Map<String, Object> updatePolicy(JsonNode body) {
        List<String> v = new ArrayList<>();
        List<Runnable> changes = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String key = it.next();
            JsonNode value = body.get(key);
            switch (key) {
                case "deviceTypeRestrictions" -> restrictions(value, v, changes);
                case "corporateIdentifiers" -> identifiers(value, v, changes);
                case "userLicenses" -> licenses("userLicenses", value, v, changes, policy.userLicenses);
                case "deviceLicenses" -> licenses("deviceLicenses", value, v, changes, policy.deviceLicenses);
                default -> v.add(READ_ONLY.contains(key)
                        ? key + ": read-only (expected: one of " + String.join(", ", POLICY_KEY_ORDER) + ")"
                        : "unknown key " + key + " (expected: one of " + String.join(", ", POLICY_KEY_ORDER) + ")");
            }
        }
        if (body.isEmpty()) {
            v.add("body: empty object (expected: at least one of " + String.join(", ", POLICY_KEY_ORDER) + ")");
        }
        if (!v.isEmpty()) {
            throw bad(v);
        }
        synchronized (policy) {
            changes.forEach(Runnable::run);
        }
        policy.persist();
        policy.emit("policy.changed", Map.of("keys", List.copyOf(iterable(body.fieldNames()))));
        return policyJson();
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private void restrictions(JsonNode value, List<String> v, List<Runnable> changes) {
        eachKey("deviceTypeRestrictions", value, RESTRICTION_KEYS, ", each \"allowed\" or \"blocked\"", v,
                (key, path) -> {
                    JsonNode n = value.get(key);
                    String word = n.isTextual() ? n.asText() : null;
                    if (!"allowed".equals(word) && !"blocked".equals(word)) {
                        v.add(path + ": " + n + " (expected: \"allowed\" or \"blocked\")");
                        return;
                    }
                    boolean allowed = word.equals("allowed");
                    changes.add(switch (key) {
                        case "ios" -> () -> policy.iosAllowed = allowed;
                        case "ipados" -> () -> policy.ipadosAllowed = allowed;
                        default -> () -> policy.personalAllowed = allowed;
                    });
                });
    }

    private void identifiers(JsonNode value, List<String> v, List<Runnable> changes) {
        eachKey("corporateIdentifiers", value, IDENTIFIER_KEYS, "", v, (key, path) -> {
            boolean serials = key.toLowerCase(java.util.Locale.ROOT).contains("serial");
            List<String> items = identifierList(path, value.get(key), serials, v);
            if (items == null) {
                return;
            }
            Set<String> target = serials ? policy.corporateSerials : policy.corporateImeis;
            changes.add(switch (key) {
                case "serials", "imeis" -> () -> {
                    target.clear();
                    target.addAll(items);
                };
                case "addSerials", "addImeis" -> () -> target.addAll(items);
                default -> () -> items.forEach(target::remove);
            });
        });
    }

    /**
     * Visits each key of {@code value}, the JSON object {@code name}, with its path ({@code name.key}); a value that is
     * not an object ({@code keys} and then {@code each} say what it should hold) or a key not in {@code keys} is a
     * violation instead.
     */
    private static void eachKey(String name, JsonNode value, List<String> keys, String each, List<String> v,
            BiConsumer<String, String> visit) {
        if (!value.isObject()) {
            v.add(name + ": " + value + " (expected: an object with " + String.join(", ", keys) + each + ")");
            return;
        }
        for (Iterator<String> it = value.fieldNames(); it.hasNext();) {
            String key = it.next();
            String path = name + "." + key;
            if (keys.contains(key)) {
                visit.accept(key, path);
            } else {
                v.add("unknown key " + path + " (expected: one of " + String.join(", ", keys) + ")");
            }
        }
    }

    private static List<String> identifierList(String path, JsonNode n, boolean serials, List<String> v) {
        String expected = serials ? "serial numbers (1 to 32 letters and digits)" : "IMEIs (15 digits)";
        if (!n.isArray()) {
            v.add(path + ": " + n + " (expected: an array of " + expected + ")");
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        boolean ok = true;
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            String s = e.isTextual() ? (serials ? PolicyService.normalizeSerial(e.asText())
                    : PolicyService.normalizeImei(e.asText())) : null;
            if (s == null || !(serials ? SERIAL : IMEI).matcher(s).matches()) {
                v.add(path + "[" + i + "]: " + e + " (expected: " + (serials ? "a serial number of 1 to 32 letters and"
                        + " digits" : "an IMEI of 15 digits") + ")");
                ok = false;
            } else {
                out.add(s);
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    private static void licenses(String name, JsonNode value, List<String> v, List<Runnable> changes,
            Licenses pool) {
        if (!value.isObject()) {
            v.add(name + ": " + value + " (expected: an object with total and/or release)");
            return;
        }
        for (Iterator<String> it = value.fieldNames(); it.hasNext();) {
            String key = it.next();
            String path = name + "." + key;
            JsonNode n = value.get(key);
            if (key.equals("total")) {
                if (n.isTextual() && n.asText().equals("unlimited") || n.isNull()) {
                    changes.add(() -> pool.total = null);
                } else if (n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 0) {
                    int total = n.asInt();
                    changes.add(() -> pool.total = total);
                } else {
                    v.add(path + ": " + n + " (expected: a whole number >= 0 or \"unlimited\")");
                }
            } else if (key.equals("release")) {
                if (!n.isArray() || !allText(n)) {
                    v.add(path + ": " + n + " (expected: an array of holders to release, as listed in holders)");
                    continue;
                }
                List<String> who = new ArrayList<>();
                n.forEach(e -> who.add(e.asText()));
                changes.add(() -> who.forEach(pool.holders::remove));
            } else if (READ_ONLY.contains(key)) {
                v.add(path + ": read-only (expected: one of " + String.join(", ", LICENSE_KEYS) + ")");
            } else {
                v.add("unknown key " + path + " (expected: one of " + String.join(", ", LICENSE_KEYS) + ")");
            }
        }
    }

    private static boolean allText(JsonNode n) {
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                return false;
            }
        }
        return true;
    }

    // ---- VPP tokens -------------------------------------------------------------------------------------------

    public List<Map<String, Object>> vppTokensJson() {
        policy.evaluateAlerts();
        List<String> names;
        synchronized (policy) {
            names = List.copyOf(policy.vppTokens.keySet());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String n : names) {
            try {
                out.add(vppTokenJson(n));
            } catch (HttpError deletedMeanwhile) {
                // gone
            }
        }
        return out;
    }

    public Map<String, Object> vppTokenJson(String name) {
        List<String> using = policy.profilesUsing(name);
        Instant now = policy.clock().now();
        synchronized (policy) {
            VppToken t = existing(name);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name);
            m.put("organization", t.organization);
            m.put("expiry", t.expiry.toString());
            m.put("expired", t.expired(now));
            m.put("daysToExpiry", java.time.Duration.between(now, t.expiry).toDays());
            Map<String, Object> cp = new LinkedHashMap<>();
            cp.put("total", t.companyPortalLicenses);
            cp.put("used", t.holders.size());
            cp.put("available", t.available());
            m.put("companyPortalLicenses", cp);
            m.put("holders", List.copyOf(t.holders));
            m.put("profiles", using);
            return m;
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

    public Map<String, Object> addVppToken(JsonNode body) {
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
            throw bad(v);
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
        return vppTokenJson(name);
    }

    public Map<String, Object> updateVppToken(String name, JsonNode body) {
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
            throw bad(v);
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
                iterable(body.fieldNames())));
        policy.evaluateAlerts();
        return vppTokenJson(name);
    }

    public Map<String, Object> deleteVppToken(String name) {
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
        return Map.of("deleted", name);
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

    // ---- alerts -----------------------------------------------------------------------------------------------

    public Map<String, Object> alertsJson() {
        List<Map<String, Object>> list = policy.alerts().stream().map(Alert::json).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("evaluatedAt", policy.clock().now().toString());
        m.put("thresholds", thresholds());
        m.put("alerts", list);
        return m;
    }
}
