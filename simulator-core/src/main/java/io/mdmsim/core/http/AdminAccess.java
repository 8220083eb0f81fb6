package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.security.PrivateFiles;
import io.mdmsim.core.security.Secrets;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who may use a part's admin API ({@code /admin} and below): whoever holds its bearer token and talks to it by a
 * loopback name. Every admin request must
 * <ol>
 *   <li>name a loopback host in {@code Host} ({@code 127.0.0.1}, {@code localhost}, {@code ::1}) or one the part
 *       was told to allow, so that a web page cannot reach it by DNS rebinding;</li>
 *   <li>carry no {@code Origin}, or this server's own, so that no web page can write to it;</li>
 *   <li>carry {@code Authorization: Bearer <token>} ({@link #HEADER});</li>
 *   <li>label a body with its media type, never one a web form may send on its own ({@code text/plain},
 *       {@code application/x-www-form-urlencoded}, {@code multipart/form-data}).</li>
 * </ol>
 * The token is generated at start from {@link Secrets} unless fixed (option or {@link #ENV}); servers started from the
 * command line print it and write it, 0600, to {@link #tokenFile(URI)}, where the command-line clients find it.
 */
public final class AdminAccess {

    /** The environment variable that fixes the token of a server started from the command line, and that clients send. */
    public static final String ENV = "MDMSIM_ADMIN_TOKEN";
    public static final String HEADER = "Authorization";
    /** Shortest token accepted when one is fixed. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");
    private static final Set<String> FORM_TYPES = Set.of("text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data");

    private final String token;
    private final byte[] expected;
    private final Set<String> allowedHosts;

    private AdminAccess(String token, Collection<String> allowedHosts) {
        this.token = token;
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
        Set<String> hosts = new TreeSet<>();
        for (String h : allowedHosts) {
            hosts.add(hostOnly(requireNonNull(h, "allowed host")).toLowerCase(Locale.ROOT));
        }
        this.allowedHosts = Set.copyOf(hosts);
    }

    /**
     * Access with {@code token}, or a new random one when it is null; {@code allowedHosts} are Host names accepted
     * besides the loopback ones (e.g. a name that resolves to this machine in a container).
     *
     * @throws IllegalArgumentException if the token is shorter than {@value #MIN_TOKEN_LENGTH} characters or not
     *                                  printable ASCII
     */
    public static AdminAccess of(String token, Collection<String> allowedHosts) {
        requireNonNull(allowedHosts, "allowedHosts");
        return new AdminAccess(token == null ? newToken() : validToken(token), allowedHosts);
    }

    /** A new random token: 32 bytes from {@link Secrets}, hex. */
    public static String newToken() {
        return Secrets.hex(32);
    }

    /** {@code token} if it can be one, else an exception saying what a token must be. */
    public static String validToken(String token) {
        requireNonNull(token, "token");
        if (token.length() < MIN_TOKEN_LENGTH || !TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("admin token: " + token.length() + " characters" + (TOKEN.matcher(token)
                    .matches() ? "" : " with spaces or non-ASCII") + " (expected: at least " + MIN_TOKEN_LENGTH
                    + " printable ASCII characters without spaces, e.g. from `openssl rand -hex 32`)");
        }
        return token;
    }

    public String token() {
        return token;
    }

    /** The value of the {@link #HEADER} header that carries {@code token}. */
    public static String authorization(String token) {
        return "Bearer " + token;
    }

    /** Host names accepted besides the loopback ones. */
    public Set<String> allowedHosts() {
        return allowedHosts;
    }

    /** {@code inner}, with every request to {@code /admin} or below checked first (other paths pass untouched). */
    public Handler protect(Handler inner) {
        requireNonNull(inner, "inner");
        return request -> {
            if (isAdminPath(request.path())) {
                HttpResponse refused = check(request);
                if (refused != null) {
                    return refused;
                }
            }
            return inner.handle(request);
        };
    }

    public static boolean isAdminPath(String path) {
        return path.equals("/admin") || path.startsWith("/admin/");
    }

    /** Null when {@code request} may use the admin API, else the refusal to send. */
    public HttpResponse check(HttpRequest request) {
        String host = request.header("Host");
        if (host == null || host.isBlank()) {
            return HttpResponse.text(403, "Host: missing (expected: the loopback address the admin API listens on,"
                    + " e.g. 127.0.0.1)");
        }
        if (!hostAllowed(hostOnly(host))) {
            return HttpResponse.text(403, "Host: " + host + " (expected: a loopback host such as 127.0.0.1,"
                    + " localhost or ::1" + (allowedHosts.isEmpty() ? "" : ", or " + String.join(", ", allowedHosts))
                    + "; allow another name with --admin-allowed-host)");
        }
        String origin = request.header("Origin");
        if (origin != null && !sameOrigin(origin, host)) {
            return HttpResponse.text(403, "Origin: " + origin + " (expected: no Origin, or this server's own: the"
                    + " admin API takes no requests from web pages)");
        }
        String authorization = request.header(HEADER);
        if (authorization == null || !MessageDigest.isEqual(expected,
                authorization.trim().getBytes(StandardCharsets.US_ASCII))) {
            return HttpResponse.text(401, (authorization == null ? "no admin token" : "wrong admin token")
                    + " (expected: " + HEADER + ": Bearer <token>; a server started by mdmsim prints its token and"
                    + " writes it to " + tokenDirectory() + "; set it with --admin-token or " + ENV + ")")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"mdmsim admin\"");
        }
        if (request.body().length > 0) {
            String type = mediaType(request.header("Content-Type"));
            if (type == null || FORM_TYPES.contains(type)) {
                return HttpResponse.text(415, "Content-Type: " + (type == null ? "none" : type)
                        + " (expected: the body's own media type, e.g. application/json; the admin API takes no"
                        + " web forms)");
            }
        }
        return null;
    }

    private boolean hostAllowed(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return isLoopback(h) || allowedHosts.contains(h);
    }

    /** Whether {@code host} (no port, IPv6 without brackets) names this machine's loopback interface. */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** "host:port" or "[v6]:port" or "host" to the host alone (IPv6 without brackets). */
    static String hostOnly(String authority) {
        String a = authority.trim();
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end < 0 ? a : a.substring(1, end);
        }
        int colon = a.indexOf(':');
        return colon >= 0 && a.indexOf(':', colon + 1) < 0 ? a.substring(0, colon) : a;
    }

    private static boolean sameOrigin(String origin, String host) {
        try {
            URI o = URI.create(origin.trim());
            String authority = o.getRawAuthority();
            return ("http".equals(o.getScheme()) || "https".equals(o.getScheme())) && authority != null
                    && authority.equalsIgnoreCase(host.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------------------------------ token files

    /** Where servers started from the command line write their tokens: {@code ~/.mdmsim/admin-tokens}. */
    public static Path tokenDirectory() {
        return Path.of(System.getProperty("user.home"), ".mdmsim", "admin-tokens");
    }

    /**
     * The token file of the server at {@code base}: {@code <port>} in {@link #tokenDirectory()} for a loopback host
     * (any spelling), {@code <host>-<port>} otherwise.
     */
    public static Path tokenFile(URI base) {
        requireNonNull(base, "base");
        int port = base.getPort() >= 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        String host = base.getHost() == null ? "" : base.getHost();
        String name = isLoopback(host) ? Integer.toString(port)
                : host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "_") + "-" + port;
        return tokenDirectory().resolve(name);
    }

    /** Writes the token where {@code settings} ask for it (nothing without a token file); fails naming the file. */
    public void writeTokenFile(AdminSettings settings) {
        if (settings.tokenFile() == null) {
            return;
        }
        try {
            writeTokenFile(settings.tokenFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the admin token to " + settings.tokenFile() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes the token to {@code file}, readable by this user only. */
    public Path writeTokenFile(Path file) throws IOException {
        return writeTokenFile(file, token);
    }

    /** Writes {@code token} to {@code file}, readable by this user only. */
    public static Path writeTokenFile(Path file, String token) throws IOException {
        return PrivateFiles.write(file, (token + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The token a client should send to the server at {@code base}: {@code explicit} when given, else {@link #ENV},
     * else the server's token file; empty when none is known (the server will answer 401 saying so).
     */
    public static Optional<String> find(URI base, String explicit) {
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(explicit.trim());
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(env.trim());
        }
        Path file = tokenFile(base);
        try {
            if (Files.isRegularFile(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
                return text.isEmpty() ? Optional.empty() : Optional.of(text);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
