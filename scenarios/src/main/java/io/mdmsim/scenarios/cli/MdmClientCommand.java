package io.mdmsim.scenarios.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.file.ScenariosJson;
import io.mdmsim.core.http.AdminAccess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A {@code mdmsim mdm} subcommand that talks to a running MDM's admin API ({@code --mdm URL}): the request, the printed
 * answer and the exit code they all share. The answer goes to stdout (JSON pretty-printed) with exit 0; a refusal goes
 * to stderr with exit 1; an MDM that cannot be reached exits 70 ({@link CliFailure}).
 */
abstract class MdmClientCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    MdmCommand.Target target = new MdmCommand.Target();

    /** An admin request to {@code --mdm}; errors name it as {@code MDM METHOD PATH}. */
    final JsonNode admin(String method, String path, JsonNode body) {
        return request(target, "MDM " + method + " " + path, method, path,
                body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Prints the action's answer (exit 0) or its error's message (exit 1). */
    final int print(Supplier<?> action) {
        return print(spec, action, RuntimeException::getMessage);
    }

    /** Prints the action's answer (exit 0) or, described by {@code why}, its error (exit 1). */
    final int print(Supplier<?> action, Function<RuntimeException, String> why) {
        return print(spec, action, why);
    }

    /** The action's answer, or null once its error, described by {@code why}, is on stderr. */
    final <T> T fetch(Supplier<T> action, Function<RuntimeException, String> why) {
        return fetch(spec, action, why);
    }

    /** Prints the action's answer on the command's stdout (exit 0) or, described by {@code why}, its error (exit 1). */
    static int print(CommandLine.Model.CommandSpec spec, Supplier<?> action, Function<RuntimeException, String> why) {
        Object result = fetch(spec, action, why);
        if (result == null) {
            return Main.EXIT_EXPECTATION_FAILED;
        }
        spec.commandLine().getOut().println(result instanceof JsonNode n ? n.toPrettyString() : String.valueOf(result));
        return Main.EXIT_OK;
    }

    private static <T> T fetch(CommandLine.Model.CommandSpec spec, Supplier<T> action,
            Function<RuntimeException, String> why) {
        try {
            return action.get();
        } catch (CliFailure | CommandLine.ParameterException e) {
            throw e;
        } catch (RuntimeException e) {
            if (CliFailure.isUnreachable(e)) {
                throw CliFailure.unreachable(why.apply(e), e); // exit 70: the MDM is not there
            }
            spec.commandLine().getErr().println(why.apply(e));
            return null;
        }
    }

    /**
     * One admin request with an optional JSON body; a non-2xx answer or a failed exchange is an error whose message
     * starts with {@code what} and carries the server's words.
     */
    static JsonNode request(MdmCommand.Target target, String what, String method, String path, byte[] body) {
        String answer = exchange(target, what, method, path, body, "application/json");
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw new IllegalStateException(what + " answered with invalid JSON: " + e.getMessage(), e);
        }
    }

    /** One admin request with an optional body of {@code contentType}; the answer's text. Errors as {@link #request}. */
    static String exchange(MdmCommand.Target target, String what, String method, String path, byte[] body,
            String contentType) {
        URI base = target.url;
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        String token = target.token();
        if (token != null) {
            b.header(AdminAccess.HEADER, AdminAccess.authorization(token));
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(what + " answered " + r.statusCode() + ": " + r.body().strip());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException(what + " failed: "
                    + io.mdmsim.scenarios.quickstart.AdminClient.failure(e, base), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        }
    }

    /** A path segment: URL-encoded, a space as %20. */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The error's message; a connection failure without a message names its cause. */
    static String message(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        if (m.endsWith("null") && e.getCause() != null) {
            return m.substring(0, m.length() - 4) + e.getCause();
        }
        return m;
    }
}
