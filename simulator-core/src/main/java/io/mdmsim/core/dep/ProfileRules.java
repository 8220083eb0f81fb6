package io.mdmsim.core.dep;

import io.mdmsim.core.catalog.SkipKeys;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What Apple's DEP service accepts in a profile ({@code POST /profile}, ADS Profile.json), in one place: the fake ABM
 * refuses a profile with the first violation's error code, and the reference MDM checks the profile it would send
 * before it saves an enrollment profile, so a profile the MDM accepts is one ABM accepts. Each violation carries
 * Apple's error code and a message saying what was wrong and what is expected.
 */
public final class ProfileRules {

    /** One broken rule: Apple's error code ({@code CONFIG_URL_INVALID}) and what was wrong. */
    public record Violation(String code, String message) {
    }

    public static final int MAX_NAME = 125;
    public static final int MAX_URL = 2000;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}");
    private static final Pattern REGION = Pattern.compile("[A-Z]{2}");

    private ProfileRules() {
    }

    /** Every violation, in the order ABM checks them (the first is what ABM answers). */
    public static List<Violation> violations(DepProfile p) {
        List<Violation> v = new ArrayList<>();
        String name = p.profileName();
        if (name == null) {
            v.add(new Violation("CONFIG_NAME_REQUIRED", "profile_name is required"));
        } else if (name.isBlank() || name.codePointCount(0, name.length()) > MAX_NAME) {
            v.add(new Violation("CONFIG_NAME_INVALID", "profile_name: " + name.codePointCount(0, name.length())
                    + " characters (expected: at least 1, at most " + MAX_NAME + ")"));
        }
        if (p.url() == null) {
            v.add(new Violation("CONFIG_URL_REQUIRED", "url is required (the MDM enrollment URL)"));
        } else {
            httpUrl("url", p.url(), v);
        }
        if (p.configurationWebUrl() != null) {
            httpUrl("configuration_web_url", p.configurationWebUrl(), v);
        }
        boolean supervised = Boolean.TRUE.equals(p.isSupervised());
        boolean removable = !Boolean.FALSE.equals(p.isMdmRemovable());
        if (!removable && !supervised) {
            v.add(new Violation("FLAGS_INVALID", "is_mdm_removable may be false only if is_supervised is true"));
        }
        length("department", p.department(), 125, "DEPARTMENT_INVALID", v);
        length("org_magic", p.orgMagic(), 256, "MAGIC_INVALID", v);
        length("support_phone_number", p.supportPhoneNumber(), 50, "SUPPORT_PHONE_INVALID", v);
        String email = p.supportEmailAddress();
        if (!length("support_email_address", email, 250, "SUPPORT_EMAIL_INVALID", v) && email != null
                && !EMAIL.matcher(email).matches()) {
            v.add(new Violation("SUPPORT_EMAIL_INVALID", "support_email_address: " + email
                    + " (expected: an email address)"));
        }
        if (p.language() != null && !LANGUAGE.matcher(p.language()).matches()) {
            v.add(new Violation("LOCALE_INVALID", "language: " + p.language() + " (expected: ISO 639 code, e.g. en)"));
        }
        if (p.region() != null && !REGION.matcher(p.region()).matches()) {
            v.add(new Violation("LOCALE_INVALID", "region: " + p.region()
                    + " (expected: ISO 3166-1 alpha-2, e.g. US)"));
        }
        for (String key : orEmpty(p.skipSetupItems())) {
            SkipKeys.problem(key).ifPresent(m -> v.add(new Violation(SkipKeys.INVALID, m)));
        }
        certificates("anchor_certs", orEmpty(p.anchorCerts()), v);
        certificates("supervising_host_certs", orEmpty(p.supervisingHostCerts()), v);
        return v;
    }

    /** True when the field was too short or too long (and a violation was added). */
    private static boolean length(String field, String s, int max, String code, List<Violation> v) {
        if (s != null && (s.isEmpty() || s.codePointCount(0, s.length()) > max)) {
            v.add(new Violation(code, field + ": " + s.codePointCount(0, s.length())
                    + " characters (expected: at least 1, at most " + max + ")"));
            return true;
        }
        return false;
    }

    private static void httpUrl(String field, String url, List<Violation> v) {
        boolean ok;
        try {
            URI u = new URI(url);
            ok = ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme())) && u.getHost() != null;
        } catch (URISyntaxException e) {
            ok = false;
        }
        if (!ok || url.length() > MAX_URL) {
            v.add(new Violation("CONFIG_URL_INVALID", field + ": " + abbreviate(url)
                    + " (expected: an absolute http(s) URL of at most " + MAX_URL + " characters)"));
        }
    }

    /** Each must be base64 of a DER X.509 certificate (the device pins TLS against them). */
    private static void certificates(String field, List<String> base64Ders, List<Violation> v) {
        for (int i = 0; i < base64Ders.size(); i++) {
            try {
                byte[] der = Base64.getMimeDecoder().decode(base64Ders.get(i));
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            } catch (IllegalArgumentException | CertificateException e) {
                v.add(new Violation("MALFORMED_REQUEST_BODY", field + "[" + i
                        + "]: not a base64 DER certificate (" + e.getMessage() + ")"));
            }
        }
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…(" + s.length() + " characters)";
    }
}
