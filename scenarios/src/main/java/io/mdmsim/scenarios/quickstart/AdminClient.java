package io.mdmsim.scenarios.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.file.ScenariosJson;
import io.mdmsim.core.http.AdminAccess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** Talks to a server's JSON admin API over HTTP; the runner never calls a part's Java code once it is started. */
public final class AdminClient {

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;

    private final String name;
    private final URI base;
    private final HttpClient http;
    private final String token;

    /**
     * A client of the server at {@code base} that sends the admin token {@code token} (a server started in this JVM
     * hands it out: {@code MdmServer.adminToken()}, {@code FakeAbmServer.adminToken()}); null sends
     * $MDMSIM_ADMIN_TOKEN or the server's token file as it is at each request ({@link AdminAccess#find}), so a
     * restarted {@code mdmsim} process's new token is found.
     */
    public AdminClient(String name, URI base, String token) {
        this.name = requireNonNull(name, "name");
        this.base = requireNonNull(base, "base");
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A client that finds the token itself: $MDMSIM_ADMIN_TOKEN or the server's token file. */
    public AdminClient(String name, URI base) {
        this(name, base, null);
    }

    public JsonNode getJson(String path) {
        return parse(send(HttpRequest.newBuilder(resolve(path)).GET(), path), path);
    }

    public String getText(String path) {
        return new String(send(HttpRequest.newBuilder(resolve(path)).GET(), path), java.nio.charset.StandardCharsets.UTF_8);
    }

    public byte[] getBytes(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).GET(), path);
    }

    /** A POST without a body whose answer is bytes (e.g. a new server token, which only a POST issues). */
    public byte[] postForBytes(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).POST(HttpRequest.BodyPublishers.noBody()), path);
    }

    public JsonNode postJson(String path, Object body) {
        try {
            byte[] json = JSON.writeValueAsBytes(body);
            return parse(send(HttpRequest.newBuilder(resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json)), path), path);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode postBytes(String path, byte[] body, String contentType) {
        return parse(send(HttpRequest.newBuilder(resolve(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), path), path);
    }

    /** An answer of the admin API whatever its status: the runner's actions report refusals rather than fail. */
    public record Answer(int status, String body) {
        /** True for a 2xx status. */
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The body as JSON (a missing node when it is not JSON). */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
        }

        /** What the server said: its "error" or "message" when the body is JSON with one, else the body. */
        public String message() {
            JsonNode j = json();
            for (String key : new String[] {"error", "message"}) {
                if (j.path(key).isTextual()) {
                    return j.get(key).asText();
                }
            }
            return body.strip();
        }
    }

    /**
     * Sends {@code method path} with a JSON body (null for none) and returns the answer whatever its status; only a
     * failed exchange (no connection, no answer) throws.
     */
    public Answer exchange(String method, String path, Object jsonBody) {
        if (jsonBody == null) {
            return answer(method, path, HttpRequest.newBuilder(resolve(path)).method(method,
                    HttpRequest.BodyPublishers.noBody()));
        }
        try {
            return exchangeBytes(method, path, JSON.writeValueAsBytes(jsonBody), "application/json");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #exchange} with raw bytes of a content type. */
    public Answer exchangeBytes(String method, String path, byte[] body, String contentType) {
        return answer(method, path, HttpRequest.newBuilder(resolve(path)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private Answer answer(String method, String path, HttpRequest.Builder builder) {
        try {
            HttpResponse<String> rsp = http.send(authorized(builder).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(rsp.statusCode(), rsp.body());
        } catch (IOException e) {
            throw new AdminException(name + " " + method + " " + path + " failed: " + failure(e, base), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(name + " " + path + " interrupted", e);
        }
    }

    private JsonNode parse(byte[] body, String path) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AdminException(name + " " + path + " answered with invalid JSON: " + e.getMessage(), e);
        }
    }

    private URI resolve(String path) {
        return base.resolve(path);
    }

    /** {@code builder} with the admin token: the one given, else $MDMSIM_ADMIN_TOKEN or the server's token file. */
    private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
        String t = token != null ? token : AdminAccess.find(base, null).orElse(null);
        return t == null ? builder : builder.header(AdminAccess.HEADER, AdminAccess.authorization(t));
    }

    private byte[] send(HttpRequest.Builder builder, String path) {
        try {
            HttpResponse<byte[]> rsp = http.send(authorized(builder).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (rsp.statusCode() / 100 != 2) {
                throw new AdminException(name + " " + path + " answered " + rsp.statusCode() + ": "
                        + new String(rsp.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
            }
            return rsp.body();
        } catch (IOException e) {
            throw new AdminException(name + " " + path + " failed: " + failure(e, base), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(name + " " + path + " interrupted", e);
        }
    }

    /** Why an exchange with {@code base} failed, in words: a refused connection names the address. */
    public static String failure(IOException e, URI base) {
        if (e instanceof java.net.ConnectException) {
            return "cannot connect to " + base.getHost() + ":" + base.getPort() + " (is the server running there?)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer from " + base + " in time (" + e.getMessage() + ")";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    public static final class AdminException extends RuntimeException {
        public AdminException(String message) {
            super(message);
        }

        AdminException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
