package io.mdmsim.device.enroll;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceBehaviour;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.model.UserAgent;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.runtime.DeviceContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Modern authentication in Setup Assistant (Apple's "Authenticating through web views"): the
 * device loads ConfigurationWebURL with GET and the header {@code x-apple-aspen-deviceinfo} (base64 of the CMS-signed
 * MachineInfo); the simulated user signs in on whatever pages follow, and the page answered with
 * {@code application/x-apple-aspen-config} ends the flow with the enrollment profile.
 *
 * <p>The user is a simple browser: it follows redirects, keeps cookies, and on an HTML page fills the first form: hidden
 * fields as they are, the password field with the password, a one-time-code field (name like otc, otp, code, mfa,
 * totp) with the second factor, any other text or email field with the user name. No JavaScript. The profile must come
 * from a host that shares the last two domain labels with ConfigurationWebURL (the same address for IPs).
 */
public final class WebView {

    static final String DEVICE_INFO_HEADER = "x-apple-aspen-deviceinfo";
    static final int MAX_PAGES = 20;

    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form\\s*>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INPUT = Pattern.compile("<(input|button)\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "([A-Za-z_:][-A-Za-z0-9_:.]*)\\s*(?:=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+)))?");
    private static final Pattern CODE_FIELD = Pattern.compile("(?i).*(otc|otp|mfa|totp|one.?time|verification|"
            + "^code$|_code$|-code$|smscode).*");

    private WebView() {
    }

    /** Runs the web flow from {@code start}; returns the enrollment profile bytes. */
    public static byte[] enroll(DeviceContext ctx, URI start) throws StageFailure, InterruptedException {
        Device d = ctx.device();
        DeviceBehaviour.SimUser user = d.behaviour().user();
        byte[] signed = Cms.signAttached(Plist.toXml(Plist.wrap(MachineInfoStep.machineInfo(d,
                ctx.config().language()))), d.factoryIdentity());
        Map<String, String> cookies = new LinkedHashMap<>();
        Map<String, String> first = new HashMap<>();
        first.put(DEVICE_INFO_HEADER, Base64.getEncoder().encodeToString(signed));
        DeviceHttp.Response r = ctx.http().get(start, withCookies(d, first, cookies));
        for (int page = 1; ; page++) {
            keepCookies(r, cookies);
            if (page > MAX_PAGES) {
                throw StageFailure.failed("modern authentication: no enrollment profile after " + MAX_PAGES
                        + " pages from " + start + " (last: " + r.method() + " " + r.uri() + ")");
            }
            int s = r.status();
            if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                String location = r.header("Location");
                if (location == null) {
                    throw StageFailure.failed("modern authentication: " + r.method() + " " + r.uri() + " answered "
                            + s + " without a Location header");
                }
                r = ctx.http().get(r.uri().resolve(location.strip()), withCookies(d, new HashMap<>(), cookies));
                continue;
            }
            if (s == 403) {
                throw MachineInfoStep.refused(d, r, io.mdmsim.device.Stage.MACHINE_INFO);
            }
            if (s != 200) {
                throw StageFailure.failed("modern authentication refused: " + r.describe());
            }
            if (r.mediaType().equals(EnrollmentSteps.PROFILE_TYPE)) {
                checkProfileHost(start, r.uri());
                return r.body();
            }
            if (!r.mediaType().equals("text/html")) {
                throw StageFailure.failed("modern authentication: " + r.method() + " " + r.uri()
                        + " answered Content-Type " + r.contentType() + " (expected: text/html, a redirect, or "
                        + EnrollmentSteps.PROFILE_TYPE + ")");
            }
            Form form = Form.first(r);
            if (form == null) {
                throw StageFailure.failed("modern authentication: the page " + r.uri() + " has no form and is not an"
                        + " enrollment profile; the simulated user cannot go on");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            boolean credentials = false;
            boolean secondFactor = false;
            for (Field f : form.fields()) {
                String type = f.type();
                String name = f.name();
                if (type.equals("password")) {
                    fields.put(name, user.password());
                    credentials = true;
                } else if (CODE_FIELD.matcher(name).matches() && !type.equals("hidden") && !type.equals("submit")) {
                    if (!user.mfa()) {
                        throw StageFailure.failed("modern authentication: " + r.uri() + " asks " + user.userName()
                                + " for a second factor, which this simulated user has not set up (see mfaShare)");
                    }
                    fields.put(name, user.mfaCode());
                    secondFactor = true;
                } else if (type.equals("text") || type.equals("email")) {
                    fields.put(name, f.value().isEmpty() ? user.userName() : f.value());
                    credentials = true;
                } else if (type.equals("hidden") || type.equals("submit") && !f.value().isEmpty()) {
                    fields.put(name, f.value());
                } else if ((type.equals("checkbox") || type.equals("radio")) && f.checked()) {
                    fields.put(name, f.value().isEmpty() ? "on" : f.value());
                }
            }
            ctx.dwell(secondFactor ? SetupAssistant.SECOND_FACTOR
                    : credentials ? SetupAssistant.TYPE_CREDENTIALS : java.time.Duration.ofSeconds(3));
            URI action = form.action().isEmpty() ? r.uri() : r.uri().resolve(form.action());
            String encoded = urlEncode(fields);
            Map<String, String> headers = withCookies(d, new HashMap<>(), cookies);
            if (form.method().equals("get")) {
                String sep = action.getRawQuery() == null ? "?" : "&";
                r = ctx.http().get(URI.create(action + (encoded.isEmpty() ? "" : sep + encoded)), headers);
            } else {
                r = ctx.http().post(action, "application/x-www-form-urlencoded",
                        encoded.getBytes(StandardCharsets.UTF_8), headers);
            }
        }
    }

    /** The enrollment profile must come from the ConfigurationWebURL's domain (its last two labels). */
    static void checkProfileHost(URI start, URI profile) throws StageFailure {
        String a = start.getHost() == null ? "" : start.getHost().toLowerCase(Locale.ROOT);
        String b = profile.getHost() == null ? "" : profile.getHost().toLowerCase(Locale.ROOT);
        boolean ip = a.matches("[0-9.]+") || a.contains(":");
        boolean same = ip ? a.equals(b) : lastTwoLabels(a).equals(lastTwoLabels(b));
        if (!same) {
            throw StageFailure.failed("modern authentication: the enrollment profile came from " + b
                    + ", which is not in the domain of the ConfigurationWebURL host " + a
                    + " (AppleDoc authenticating-through-web-views)");
        }
    }

    private static String lastTwoLabels(String host) {
        String[] labels = host.split("\\.");
        return labels.length <= 2 ? host : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    private static Map<String, String> withCookies(Device d, Map<String, String> headers,
            Map<String, String> cookies) {
        headers.put("User-Agent", UserAgent.of(d));
        if (!cookies.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            cookies.forEach((k, v) -> pairs.add(k + "=" + v));
            headers.put("Cookie", String.join("; ", pairs));
        }
        return headers;
    }

    private static void keepCookies(DeviceHttp.Response r, Map<String, String> cookies) {
        for (String c : r.headers("Set-Cookie")) {
            String pair = c.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq > 0) {
                cookies.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
    }

    private static String urlEncode(Map<String, String> fields) {
        List<String> parts = new ArrayList<>();
        fields.forEach((k, v) -> parts.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", parts);
    }

    record Field(String tag, String type, String name, String value, boolean checked) {
    }

    record Form(String action, String method, List<Field> fields) {

        /** The first form of an HTML page, null if it has none. */
        static Form first(DeviceHttp.Response r) {
            String html = new String(r.body(), StandardCharsets.UTF_8);
            Matcher m = FORM.matcher(html);
            if (!m.find()) {
                return null;
            }
            Map<String, String> attrs = attributes(m.group(1));
            List<Field> fields = new ArrayList<>();
            Matcher in = INPUT.matcher(m.group(2));
            while (in.find()) {
                Map<String, String> a = attributes(in.group(2));
                String name = a.get("name");
                if (name == null || name.isEmpty() || a.containsKey("disabled")) {
                    continue;
                }
                String tag = in.group(1).toLowerCase(Locale.ROOT);
                String type = a.getOrDefault("type", tag.equals("button") ? "submit" : "text")
                        .toLowerCase(Locale.ROOT);
                fields.add(new Field(tag, type, name, a.getOrDefault("value", ""), a.containsKey("checked")));
            }
            return new Form(attrs.getOrDefault("action", ""), attrs.getOrDefault("method", "get")
                    .toLowerCase(Locale.ROOT), fields);
        }

        private static Map<String, String> attributes(String text) {
            Map<String, String> a = new HashMap<>();
            Matcher m = ATTRIBUTE.matcher(text);
            while (m.find()) {
                String v = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
                a.put(m.group(1).toLowerCase(Locale.ROOT), v == null ? "" : unescape(v));
            }
            return a;
        }

        private static String unescape(String s) {
            return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&amp;", "&");
        }
    }
}
