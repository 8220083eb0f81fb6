package io.mdmsim.scenarios.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.file.ScenariosJson;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mdmsim mdm policy show|set}, {@code mdmsim mdm vpp list|add|set|delete} and {@code mdmsim mdm alerts}: the
 * enrollment policy of a running reference MDM through its admin API ({@code /admin/policy}, {@code /admin/vpp-tokens},
 * {@code /admin/alerts}). Bad usage exits 2 before any request; a refusal by the server prints its answer and exits 1.
 */
final class MdmPolicyCommands {

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;
    private static final Pattern ALLOWED_BLOCKED = Pattern.compile("allowed|blocked");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}|unlimited");
    private static final Pattern EXPIRY = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}(T.+)?");

    private MdmPolicyCommands() {
    }

    static void check(CommandLine.Model.CommandSpec spec, String option, String value, Pattern allowed,
            String expected) {
        if (value != null && !allowed.matcher(value).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + value + " (expected: "
                    + expected + ")");
        }
    }

    /** A command that only groups subcommands: called alone, it is bad usage naming them. */
    abstract static class Group implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (expected: one of "
                    + String.join(", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList())
                    + ")");
        }
    }

    /** --expiry and --licenses of a VPP token, when given. */
    static void checkToken(CommandLine.Model.CommandSpec spec, String expiry, Integer licenses) {
        check(spec, "--expiry", expiry, EXPIRY, "a date such as 2027-06-30 or an instant such as"
                + " 2027-06-30T12:00:00Z");
        if (licenses != null && licenses < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--licenses: " + licenses
                    + " (expected: a whole number >= 0)");
        }
    }

    // ---- policy -----------------------------------------------------------------------------------------------

    @Command(name = "policy", mixinStandardHelpOptions = true,
            subcommands = {Policy.Show.class, Policy.Set.class},
            description = {"Show or change the enrollment policy of a running MDM.",
                    "The policy is the device type restrictions (iOS, iPadOS, personally owned), the corporate device"
                            + " identifiers (serials, IMEIs), and user and device licences. A refused enrollment gets"
                            + " 403 with io.mdmsim.enrollment.platform-blocked, io.mdmsim.enrollment.personal-blocked"
                            + " or io.mdmsim.license.device-unavailable."})
    static final class Policy extends Group {
        @Command(name = "show", mixinStandardHelpOptions = true,
                description = "Print the policy with licence usage (who holds which licence) and alert thresholds.")
        static final class Show extends MdmClientCommand {
            @Override
            public Integer call() {
                return print(() -> admin("GET", "/admin/policy", null));
            }
        }

        @Command(name = "set", mixinStandardHelpOptions = true,
                description = {"Change parts of the policy; what is not named stays as it is.",
                        "Nothing changes unless every value is valid. Example:",
                        "  mdmsim mdm policy set --mdm http://127.0.0.1:8500 --ios blocked --personally-owned blocked"
                                + " --add-serial C02XK1ZZJG5J --device-licenses 50"})
        static final class Set extends MdmClientCommand {
            @Option(names = "--ios", paramLabel = "allowed|blocked", description = "iOS (iPhone) enrollment.")
            String ios;
            @Option(names = "--ipados", paramLabel = "allowed|blocked", description = "iPadOS (iPad) enrollment.")
            String ipados;
            @Option(names = "--personally-owned", paramLabel = "allowed|blocked", description = "Personally owned"
                    + " devices: when blocked, only ADE devices and those in the corporate identifiers enroll.")
            String personallyOwned;
            @Option(names = "--corporate-serials", paramLabel = "S1,S2", split = ",",
                    description = "Replace the corporate serial numbers (an empty value clears them).")
            List<String> serials;
            @Option(names = "--add-serial", paramLabel = "SERIAL", description = "Add a corporate serial (repeatable).")
            List<String> addSerials;
            @Option(names = "--remove-serial", paramLabel = "SERIAL", description = "Remove a corporate serial.")
            List<String> removeSerials;
            @Option(names = "--corporate-imeis", paramLabel = "I1,I2", split = ",",
                    description = "Replace the corporate IMEIs (15 digits each).")
            List<String> imeis;
            @Option(names = "--add-imei", paramLabel = "IMEI", description = "Add a corporate IMEI (repeatable).")
            List<String> addImeis;
            @Option(names = "--remove-imei", paramLabel = "IMEI", description = "Remove a corporate IMEI.")
            List<String> removeImeis;
            @Option(names = "--user-licenses", paramLabel = "N|unlimited",
                    description = "How many user licences there are (Company Portal sign-in claims one per user).")
            String userLicenses;
            @Option(names = "--device-licenses", paramLabel = "N|unlimited",
                    description = "How many device licences there are (each device enrolled without user affinity"
                            + " takes one).")
            String deviceLicenses;
            @Option(names = "--release-user", paramLabel = "USER", description = "Give a user's licence back.")
            List<String> releaseUsers;
            @Option(names = "--release-device", paramLabel = "SERIAL", description = "Give a device's licence back.")
            List<String> releaseDevices;

            @Override
            public Integer call() {
                check(spec, "--ios", ios, ALLOWED_BLOCKED, "allowed or blocked");
                check(spec, "--ipados", ipados, ALLOWED_BLOCKED, "allowed or blocked");
                check(spec, "--personally-owned", personallyOwned, ALLOWED_BLOCKED, "allowed or blocked");
                check(spec, "--user-licenses", userLicenses, COUNT, "a whole number >= 0 or unlimited");
                check(spec, "--device-licenses", deviceLicenses, COUNT, "a whole number >= 0 or unlimited");
                ObjectNode body = JSON.createObjectNode();
                ObjectNode r = JSON.createObjectNode();
                putText(r, "ios", ios);
                putText(r, "ipados", ipados);
                putText(r, "personallyOwned", personallyOwned);
                if (!r.isEmpty()) {
                    body.set("deviceTypeRestrictions", r);
                }
                ObjectNode c = JSON.createObjectNode();
                putList(c, "serials", serials);
                putList(c, "addSerials", addSerials);
                putList(c, "removeSerials", removeSerials);
                putList(c, "imeis", imeis);
                putList(c, "addImeis", addImeis);
                putList(c, "removeImeis", removeImeis);
                if (!c.isEmpty()) {
                    body.set("corporateIdentifiers", c);
                }
                licenses(body, "userLicenses", userLicenses, releaseUsers);
                licenses(body, "deviceLicenses", deviceLicenses, releaseDevices);
                if (body.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "nothing to change (expected: at"
                            + " least one of --ios, --ipados, --personally-owned, --corporate-serials, --add-serial,"
                            + " --remove-serial, --corporate-imeis, --add-imei, --remove-imei, --user-licenses,"
                            + " --device-licenses, --release-user, --release-device)");
                }
                return print(() -> admin("PUT", "/admin/policy", body));
            }

            private static void putText(ObjectNode o, String key, String value) {
                if (value != null) {
                    o.put(key, value);
                }
            }

            private static void putList(ObjectNode o, String key, List<String> values) {
                if (values != null) {
                    ArrayNode a = o.putArray(key);
                    values.stream().filter(v -> !v.isBlank()).forEach(a::add);
                }
            }

            private static void licenses(ObjectNode body, String key, String total, List<String> release) {
                if (total == null && release == null) {
                    return;
                }
                ObjectNode l = body.putObject(key);
                if (total != null) {
                    if (total.equals("unlimited")) {
                        l.put("total", "unlimited");
                    } else {
                        l.put("total", Integer.parseInt(total));
                    }
                }
                putList(l, "release", release);
            }
        }
    }

    // ---- VPP tokens -------------------------------------------------------------------------------------------

    @Command(name = "vpp", mixinStandardHelpOptions = true,
            subcommands = {Vpp.ListTokens.class, Vpp.Add.class, Vpp.Update.class, Vpp.Delete.class},
            description = {"List and change the VPP (apps and books) tokens of a running MDM.",
                    "Each has a name, organization, expiry and Company Portal licences. An enrollment profile that"
                            + " installs Company Portal with a vppToken takes one licence per device; an expired token"
                            + " or none left refuses enrollment (io.mdmsim.vpp.token-expired,"
                            + " io.mdmsim.vpp.licenses-exhausted)."})
    static final class Vpp extends Group {
        @Command(name = "list", mixinStandardHelpOptions = true,
                description = "List the VPP tokens with expiry, licences used and available, holders and the"
                        + " enrollment profiles using each.")
        static final class ListTokens extends MdmClientCommand {
            @Override
            public Integer call() {
                return print(() -> admin("GET", "/admin/vpp-tokens", null));
            }
        }

        @Command(name = "add", mixinStandardHelpOptions = true, description = {"Add a VPP token. Example:",
                "  mdmsim mdm vpp add --mdm http://127.0.0.1:8500 Apps --expiry 2027-06-30 --licenses 500"})
        static final class Add extends MdmClientCommand {
            @Parameters(paramLabel = "NAME", description = "Token name (enrollment profiles name it as vppToken).")
            String name;
            @Option(names = "--expiry", required = true, paramLabel = "DATE",
                    description = "Expiry: a date (2027-06-30, midnight UTC) or an instant (2027-06-30T12:00:00Z).")
            String expiry;
            @Option(names = "--licenses", required = true, paramLabel = "N",
                    description = "Company Portal licences the token holds.")
            int licenses;
            @Option(names = "--organization", paramLabel = "NAME", description = "The token's organization.")
            String organization;

            @Override
            public Integer call() {
                checkToken(spec, expiry, licenses);
                ObjectNode body = JSON.createObjectNode();
                body.put("name", name);
                if (organization != null) {
                    body.put("organization", organization);
                }
                body.put("expiry", expiry);
                body.put("companyPortalLicenses", licenses);
                return print(() -> admin("POST", "/admin/vpp-tokens", body));
            }
        }

        @Command(name = "set", mixinStandardHelpOptions = true,
                description = "Change a VPP token (renew it with a new --expiry, buy more --licenses).")
        static final class Update extends MdmClientCommand {
            @Parameters(paramLabel = "NAME")
            String name;
            @Option(names = "--expiry", paramLabel = "DATE", description = "New expiry (date or instant).")
            String expiry;
            @Option(names = "--licenses", paramLabel = "N", description = "Company Portal licences the token holds.")
            Integer licenses;
            @Option(names = "--organization", paramLabel = "NAME")
            String organization;

            @Override
            public Integer call() {
                checkToken(spec, expiry, licenses);
                ObjectNode body = JSON.createObjectNode();
                if (expiry != null) {
                    body.put("expiry", expiry);
                }
                if (licenses != null) {
                    body.put("companyPortalLicenses", licenses);
                }
                if (organization != null) {
                    body.put("organization", organization);
                }
                if (body.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "nothing to change (expected: at"
                            + " least one of --expiry, --licenses, --organization)");
                }
                return print(() -> admin("PUT", "/admin/vpp-tokens/" + enc(name), body));
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true,
                description = "Delete a VPP token; refused (exit 1) while an enrollment profile uses it.")
        static final class Delete extends MdmClientCommand {
            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            public Integer call() {
                return print(() -> admin("DELETE", "/admin/vpp-tokens/" + enc(name), null));
            }
        }
    }

    // ---- alerts -----------------------------------------------------------------------------------------------

    @Command(name = "alerts", mixinStandardHelpOptions = true,
            description = {"Print the MDM's active alerts, one a line.", "An alert is a VPP token expiring within 30"
                    + " days or expired, or Company Portal licences running low (fewer than 10 left or under 10 %%)"
                    + " or exhausted."})
    static final class Alerts extends MdmClientCommand {
        @Option(names = "--json", description = "Print the JSON of GET /admin/alerts instead.")
        boolean json;

        @Override
        public Integer call() {
            if (json) {
                return print(() -> admin("GET", "/admin/alerts", null));
            }
            JsonNode r = fetch(() -> admin("GET", "/admin/alerts", null), RuntimeException::getMessage);
            if (r == null) {
                return Main.EXIT_EXPECTATION_FAILED;
            }
            List<String> lines = new ArrayList<>();
            for (JsonNode a : r.path("alerts")) {
                lines.add(String.format("%-8s %-24s %s (since %s)", a.path("severity").asText(),
                        a.path("kind").asText(), a.path("message").asText(), a.path("since").asText()));
            }
            spec.commandLine().getOut().println(lines.isEmpty() ? "no alerts (at " + r.path("evaluatedAt").asText()
                    + ")" : String.join(System.lineSeparator(), lines));
            return Main.EXIT_OK;
        }
    }
}
