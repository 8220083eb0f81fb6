package io.mdmsim.mdm.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
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
 * alerts (VPP tokens: {@link VppTokenAdmin}). Every bad input is a 400 with a JSON body {@code {"error", "violations"}} naming the key, what it was and
 * what is allowed; nothing is changed unless the whole request is valid. It lives beside {@link PolicyService} because
 * it edits the policy's state under the policy's lock.
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
    static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9]{1,32}");
    static final Pattern IMEI = Pattern.compile("[0-9]{15}");

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

    /** {@code GET /admin/policy}. */
    public record PolicyView(Restrictions deviceTypeRestrictions, CorporateIdentifiers corporateIdentifiers,
            Licenses.View userLicenses, Licenses.View deviceLicenses, List<TokenLicenses> companyPortalLicenses,
            Thresholds alertThresholds) {
    }

    /** Each device type "allowed" or "blocked". */
    public record Restrictions(String ios, String ipados, String personallyOwned) {
    }

    public record CorporateIdentifiers(List<String> serials, List<String> imeis) {
    }

    /** The Company Portal licences of one VPP token. */
    public record TokenLicenses(String vppToken, int total, int used, int available) {
    }

    /** When the policy raises an alert. */
    public record Thresholds(long vppExpiryWarningDays, int lowLicensesCount, int lowLicensesPercent) {
    }

    /** {@code GET /admin/alerts}. */
    public record AlertsView(String evaluatedAt, Thresholds thresholds, List<Alert.View> alerts) {
    }

    public PolicyView policyJson() {
        policy.evaluateAlerts();
        synchronized (policy) {
            List<TokenLicenses> cp = new ArrayList<>();
            for (VppToken t : policy.vppTokens.values()) {
                cp.add(new TokenLicenses(t.name, t.companyPortalLicenses, t.holders.size(), t.available()));
            }
            return new PolicyView(new Restrictions(word(policy.iosAllowed), word(policy.ipadosAllowed),
                    word(policy.personalAllowed)),
                    new CorporateIdentifiers(List.copyOf(policy.corporateSerials), List.copyOf(policy.corporateImeis)),
                    policy.userLicenses.view(), policy.deviceLicenses.view(), cp, thresholds());
        }
    }

    private static Thresholds thresholds() {
        return new Thresholds(PolicyService.EXPIRY_WARNING.toDays(), PolicyService.LOW_LICENSES_COUNT,
                PolicyService.LOW_LICENSES_PERCENT);
    }

    private static String word(boolean allowed) {
        return allowed ? "allowed" : "blocked";
    }

    /** A partial update: only the keys present change; all or nothing. */
    public PolicyView updatePolicy(JsonNode body) {
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

    static List<String> iterable(Iterator<String> it) {
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

    // ---- alerts -----------------------------------------------------------------------------------------------

    public AlertsView alertsJson() {
        List<Alert.View> list = policy.alerts().stream().map(Alert::view).toList();
        return new AlertsView(policy.clock().now().toString(), thresholds(), list);
    }
}
