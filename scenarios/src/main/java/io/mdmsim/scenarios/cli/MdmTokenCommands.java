package io.mdmsim.scenarios.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.file.ScenariosJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mdmsim mdm tokens public-key|add|renew|delete|devices|delete-device} and {@code mdmsim mdm profile
 * list|assign|delete}: the enrollment program token flow of the seeds (the MDM's public key → an MDM server in ABM →
 * its .p7m uploaded here with an Apple ID), renewal and deletion, and the profile operations, on a running MDM's admin
 * API. Exit 0 done, 1 the MDM refused (its answer is printed), 2 bad usage.
 */
final class MdmTokenCommands {

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;

    private MdmTokenCommands() {
    }

    private static String query(String... pairs) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                q.append(q.isEmpty() ? '?' : '&').append(pairs[i]).append('=').append(MdmClientCommand.enc(pairs[i + 1]));
            }
        }
        return q.toString();
    }

    private static String tokenPath(String token) {
        return "/admin/dep/tokens/" + MdmClientCommand.enc(token);
    }

    /** A subcommand about one token: its first parameter. */
    abstract static class TokenCommand extends MdmClientCommand {
        @Parameters(index = "0", paramLabel = "TOKEN", description = "Token name (see mdm tokens).")
        String token;

        final String tokenPath() {
            return MdmTokenCommands.tokenPath(token);
        }
    }

    @Command(name = "public-key", mixinStandardHelpOptions = true,
            description = {"The MDM's public key certificate (.pem) to create an MDM server with in ABM.",
                    "--new-flow starts an add flow with a key pair of its own (give its id to tokens add --flow);",
                    "starting another, or leaving one, invalidates that key pair (the seeds)."})
    static final class PublicKey extends MdmClientCommand {
        @Option(names = "--out", paramLabel = "FILE", description = "Write the PEM there instead of stdout.")
        Path out;
        @Option(names = "--new-flow", description = "Start an add flow: prints its id, the PEM goes to --out or stdout.")
        boolean newFlow;

        @Override
        public Integer call() {
            String pem;
            if (newFlow) {
                JsonNode flow = fetch(() -> admin("POST", "/admin/dep/add-flows", null), MdmClientCommand::message);
                if (flow == null) {
                    return Main.EXIT_EXPECTATION_FAILED;
                }
                spec.commandLine().getErr().println("add flow " + flow.path("flow").asText()
                        + " (use: mdm tokens add --flow " + flow.path("flow").asText() + " ...)");
                pem = flow.path("publicKeyPem").asText();
            } else {
                pem = fetch(() -> exchange(target, "MDM GET /admin/dep/public-key", "GET",
                        "/admin/dep/public-key", null, null), MdmClientCommand::message);
                if (pem == null) {
                    return Main.EXIT_EXPECTATION_FAILED;
                }
            }
            if (out == null) {
                spec.commandLine().getOut().print(pem);
                spec.commandLine().getOut().flush();
            } else {
                try {
                    Files.writeString(out, pem, StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    spec.commandLine().getErr().println("cannot write " + out + ": " + e);
                    return Main.EXIT_EXPECTATION_FAILED;
                }
                spec.commandLine().getOut().println("wrote " + out);
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Upload a server token (.p7m downloaded from the MDM server in ABM) with the ABM account's"
                    + " Apple ID.", "The MDM decrypts it, syncs and keeps a token record. Answer: the token."})
    static final class Add extends MdmClientCommand {
        @Option(names = "--p7m", paramLabel = "FILE", required = true, description = "The server token from ABM.")
        Path p7m;
        @Option(names = "--apple-id", paramLabel = "ID", required = true,
                description = "The Apple ID (managed Apple Account) the token belongs to.")
        String appleId;
        @Option(names = "--dep-url", paramLabel = "URL",
                description = "The DEP API to sync from (the fake ABM's base URL; default: the MDM's --dep-url).")
        URI depUrl;
        @Option(names = "--flow", paramLabel = "ID", description = "The add flow whose key the token was made for.")
        String flow;
        @Option(names = "--name", paramLabel = "NAME", description = "The token's name (default: token-N).")
        String name;
        @Option(names = "--scope-tags", paramLabel = "TAG,TAG",
                description = "Scope tags of the token, inherited by its profiles and devices.")
        String scopeTags;

        @Override
        public Integer call() {
            byte[] body = Cli.readInput(spec, "--p7m", p7m);
            String path = "/admin/dep/tokens" + query("appleId", appleId, "depUrl",
                    depUrl == null ? null : depUrl.toString(), "flow", flow, "name", name, "scopeTags", scopeTags);
            return print(() -> uploadTo(this, "POST", path, body));
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = {"Renew a token with a new .p7m from ABM (a new download invalidates the old one).",
                    "Devices, profiles and the sync cursor stay. Another Apple ID is accepted with a warning."})
    static final class Renew extends TokenCommand {
        @Option(names = "--p7m", paramLabel = "FILE", required = true, description = "The new server token.")
        Path p7m;
        @Option(names = "--apple-id", paramLabel = "ID", required = true, description = "The Apple ID.")
        String appleId;
        @Option(names = "--scope-tags", paramLabel = "TAG,TAG",
                description = "Replace the token's scope tags (\"\" removes them); kept when not given.")
        String scopeTags;

        @Override
        public Integer call() {
            byte[] body = Cli.readInput(spec, "--p7m", p7m);
            return print(() -> uploadTo(this, "PUT", tokenPath() + query("appleId", appleId, "scopeTags", scopeTags),
                    body));
        }
    }

    /** A .p7m upload; the answer is JSON. */
    private static JsonNode uploadTo(MdmClientCommand c, String method, String path, byte[] body) {
        String answer = MdmClientCommand.exchange(c.target, "MDM " + method + " " + path, method, path, body,
                "application/pkcs7-mime");
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw new IllegalStateException("MDM " + method + " " + path + " answered with invalid JSON: " + e, e);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a token; refused (exit 1, with what to do) while it has devices, a default profile"
                    + " or profiles."})
    static final class Delete extends TokenCommand {

        @Override
        public Integer call() {
            return print(() -> admin("DELETE", tokenPath(), null));
        }
    }

    @Command(name = "devices", mixinStandardHelpOptions = true,
            description = "A token's devices: serial number and status (Assigned, Not assigned, Removed from ABM).")
    static final class Devices extends TokenCommand {

        @Override
        public Integer call() {
            return print(() -> admin("GET", tokenPath() + "/devices", null));
        }
    }

    @Command(name = "delete-device", mixinStandardHelpOptions = true,
            description = {"Delete a device from a token here.", "If ABM still assigns it to this MDM server it"
                    + " comes back on the next full sync."})
    static final class DeleteDevice extends TokenCommand {
        @Parameters(index = "1", paramLabel = "SERIAL", description = "The device's serial number.")
        String serial;

        @Override
        public Integer call() {
            return print(() -> admin("DELETE", tokenPath() + "/devices/" + MdmClientCommand.enc(serial), null));
        }
    }

    // ---- profiles -------------------------------------------------------------------------------------------------

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A token's enrollment profiles.")
    static final class ProfileList extends TokenCommand {
        @Override
        public Integer call() {
            return print(() -> admin("GET", tokenPath() + "/profiles", null));
        }
    }

    @Command(name = "assign", mixinStandardHelpOptions = true,
            description = "Assign a profile to devices by serial number (in ABM too); the answer gives each result.")
    static final class ProfileAssign extends TokenCommand {
        @Parameters(index = "1", paramLabel = "UUID", description = "The profile's UUID (profileUuid).")
        String uuid;
        @Parameters(index = "2..*", arity = "1..*", paramLabel = "SERIAL", description = "Serial numbers.")
        List<String> serials;

        @Override
        public Integer call() {
            ObjectNode body = JSON.createObjectNode();
            serials.forEach(body.putArray("serials")::add);
            return print(() -> admin("POST", tokenPath() + "/profiles/" + MdmClientCommand.enc(uuid)
                    + "/devices", body));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a profile (UUID), or with UUID 'default' unset the token's default profile.")
    static final class ProfileDelete extends TokenCommand {
        @Parameters(index = "1", paramLabel = "UUID", description = "The profile's UUID, or default.")
        String uuid;

        @Override
        public Integer call() {
            return print(() -> admin("DELETE", tokenPath() + "/profiles/" + MdmClientCommand.enc(uuid), null));
        }
    }
}
