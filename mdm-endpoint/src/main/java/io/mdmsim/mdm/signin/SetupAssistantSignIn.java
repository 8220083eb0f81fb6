package io.mdmsim.mdm.signin;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.management.EnrollmentProfile.UserAffinity;
import io.mdmsim.mdm.model.DeviceError;
import io.mdmsim.mdm.model.MachineInfo;
import io.mdmsim.mdm.policy.LicenseGate;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The user's sign-in during automated device enrollment with user affinity (seeds, "Choose an authentication method"),
 * and the user licence it needs ("Devices enrolled with user affinity require that each user be assigned an Intune
 * license"):
 * <ul>
 * <li><b>Setup Assistant (legacy)</b>: the MachineInfo POST of a device whose profile authenticates in Setup
 * Assistant is answered 401 with {@code WWW-Authenticate: Basic}; Setup Assistant asks for a user name and password and
 * sends MachineInfo again with them. A profile with modern authentication gets the same on that POST: only devices
 * below iOS 13 send it ("Older iOS/iPadOS devices given this profile will instead use Setup Assistant (legacy)").</li>
 * <li><b>Setup Assistant with modern authentication</b>: the web view's first request (GET with
 * {@code x-apple-aspen-deviceinfo}) is answered with a sign-in page; its form comes back to
 * {@value #FORM_PATH} and is answered with the enrollment profile.</li>
 * </ul>
 * The reference MDM has no directory of users: any non-blank user name and password sign in, and the user name is what
 * is licensed and recorded. A user without a licence (and none free) is refused with 403
 * {@code io.mdmsim.license.user-unlicensed}. Sign-in sessions are secrets from SecureRandom, live
 * {@link #SESSION_TTL} on the SimClock, and at most {@link #MAX_SESSIONS} are open (the oldest is dropped).
 */
public final class SetupAssistantSignIn {

    /** Where the modern authentication form is posted. */
    public static final String FORM_PATH = "/mdm/enroll/signin";
    /** The longest a sign-in page stays usable (as long as a SCEP challenge). */
    public static final Duration SESSION_TTL = Duration.ofMinutes(15);
    public static final int MAX_SESSIONS = 10_000;
    public static final int MAX_FORM_BYTES = 8 * 1024;
    public static final int MAX_FIELD = 256;
    /** How many enrollments' users are remembered for the admin view. */
    static final int MAX_USERS = 1_000_000;

    /** How a request must sign its user in. */
    public enum Need { NONE, LEGACY, MODERN }

    /** Who signed in on a device: the user, how (legacy or modern) and when. */
    public record SignedIn(String user, String via, Instant at) {
    }

    /** The outcome of a sign-in attempt: the user, or the refusal to send. */
    public record Outcome(String user, int status, String message, DeviceError licence) {
        static Outcome ok(String user) {
            return new Outcome(user, 200, null, null);
        }

        static Outcome refused(int status, String message) {
            return new Outcome(null, status, message, null);
        }

        public boolean signedIn() {
            return user != null;
        }
    }

    private record Session(MachineInfo info, Instant expires) {}

    private final Function<String, EnrollmentProfile> profiles;
    private final LicenseGate licenses;
    private final SimClock clock;
    private final String realm;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new LinkedHashMap<>(); // guarded by this
    private final Map<String, SignedIn> users = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SignedIn> eldest) {
            return size() > MAX_USERS;
        }
    }; // guarded by this

    /**
     * @param profiles the enrollment profile of a serial (the DEP tokens'), null when it has none
     * @param licenses the user licences (the enrollment policy)
     * @param realm    the realm Setup Assistant shows, e.g. the organization
     */
    public SetupAssistantSignIn(Function<String, EnrollmentProfile> profiles, LicenseGate licenses, SimClock clock,
            String realm) {
        this.profiles = requireNonNull(profiles, "profiles");
        this.licenses = requireNonNull(licenses, "licenses");
        this.clock = requireNonNull(clock, "clock");
        this.realm = requireNonNull(realm, "realm").replace("\"", "'");
    }

    /** Whether this verified request must sign a user in first, and how. */
    public Need need(MachineInfo info, boolean webView) {
        EnrollmentProfile p = info.serial() == null ? null : profiles.apply(info.serial());
        if (p == null || p.affinity() != UserAffinity.WITH_USER || p.authentication() == null) {
            return Need.NONE;
        }
        return switch (p.authentication()) {
            case SETUP_ASSISTANT_LEGACY -> Need.LEGACY;
            case SETUP_ASSISTANT_MODERN -> webView ? Need.MODERN : Need.LEGACY;
            case COMPANY_PORTAL -> Need.NONE; // the user signs in to Company Portal after enrollment
        };
    }

    /** The WWW-Authenticate challenge of Setup Assistant (legacy) authentication. */
    public String challenge() {
        return "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
    }

    /**
     * Setup Assistant (legacy): the Authorization header of the repeated MachineInfo POST. 401 without credentials or
     * with malformed ones, 403 (the licence) for an unlicensed user.
     */
    public Outcome legacy(MachineInfo info, String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Outcome.refused(401, "the enrollment profile authenticates the user in Setup Assistant (expected:"
                    + " Authorization: Basic with the user's name and password)");
        }
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Outcome.refused(401, "Authorization: " + authorization.split(" ", 2)[0] + " (expected: Basic)");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Outcome.refused(401, "Authorization: Basic credentials are not base64 (expected: base64 of"
                    + " user:password)");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Outcome.refused(401, "Authorization: Basic credentials without a colon (expected: user:password)");
        }
        return signIn(info, decoded.substring(0, colon), decoded.substring(colon + 1), "legacy");
    }

    /** Setup Assistant with modern authentication: the sign-in page for a verified device. */
    public String page(MachineInfo info) {
        String token;
        synchronized (this) {
            expire();
            while (sessions.size() >= MAX_SESSIONS) {
                sessions.remove(sessions.keySet().iterator().next());
            }
            byte[] b = new byte[24];
            random.nextBytes(b);
            token = HexFormat.of().formatHex(b);
            sessions.put(token, new Session(info, clock.now().plus(SESSION_TTL)));
        }
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sign in</title></head><body>\n"
                + "<h1>" + html(realm) + "</h1>\n<p>Sign in to set up your device.</p>\n"
                + "<form method=\"post\" action=\"" + FORM_PATH + "\">\n"
                + "<input type=\"hidden\" name=\"session\" value=\"" + token + "\">\n"
                + "<label>Email <input type=\"email\" name=\"username\" autocomplete=\"username\"></label>\n"
                + "<label>Password <input type=\"password\" name=\"password\"></label>\n"
                + "<input type=\"submit\" value=\"Sign in\">\n</form>\n</body></html>\n";
    }

    /** The device's MachineInfo behind a form, with the outcome; empty when the form is not a usable one. */
    public record FormResult(MachineInfo info, Outcome outcome) {}

    /** Setup Assistant with modern authentication: the posted sign-in form. */
    public FormResult form(byte[] body) {
        if (body.length > MAX_FORM_BYTES) {
            return new FormResult(null, Outcome.refused(413, "the sign-in form is " + body.length + " bytes (expected:"
                    + " at most " + MAX_FORM_BYTES + ")"));
        }
        Map<String, String> fields;
        try {
            fields = parseForm(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return new FormResult(null, Outcome.refused(400, "the sign-in form is not URL-encoded: " + e.getMessage()
                    + " (expected: session, username and password fields)"));
        }
        String token = fields.get("session");
        Session s;
        synchronized (this) {
            expire();
            s = token == null ? null : sessions.remove(token);
        }
        if (s == null) {
            return new FormResult(null, Outcome.refused(400, "the sign-in session is " + (token == null ? "missing"
                    : "unknown or expired") + " (expected: the session of a sign-in page at most "
                    + SESSION_TTL.toMinutes() + " minutes old; start again from the enrollment page)"));
        }
        return new FormResult(s.info(), signIn(s.info(), fields.get("username"), fields.get("password"), "modern"));
    }

    private Outcome signIn(MachineInfo info, String user, String password, String via) {
        String problem = blankOrLong("user name", user);
        if (problem == null) {
            problem = blankOrLong("password", password);
        }
        if (problem != null) {
            return Outcome.refused(via.equals("legacy") ? 401 : 400, problem);
        }
        Optional<DeviceError> unlicensed = licenses.claimUserLicense(user, info.udid());
        if (unlicensed.isPresent()) {
            return new Outcome(null, 403, unlicensed.get().message(), unlicensed.get());
        }
        synchronized (this) {
            users.put(info.udid(), new SignedIn(user, via, clock.now()));
        }
        return Outcome.ok(user);
    }

    /** Who signed in when this device last enrolled, if anyone did in Setup Assistant. */
    public synchronized Optional<SignedIn> signedIn(String udid) {
        return Optional.ofNullable(users.get(udid));
    }

    private static String blankOrLong(String what, String value) {
        if (value == null || value.isBlank()) {
            return "the " + what + " is " + (value == null ? "missing" : "blank") + " (expected: the user's " + what + ")";
        }
        if (value.length() > MAX_FIELD) {
            return "the " + what + " is " + value.length() + " characters (expected: at most " + MAX_FIELD + ")";
        }
        return null;
    }

    private void expire() {
        Instant now = clock.now();
        sessions.values().removeIf(s -> now.isAfter(s.expires()));
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
