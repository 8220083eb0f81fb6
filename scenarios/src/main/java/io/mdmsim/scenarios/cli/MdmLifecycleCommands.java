package io.mdmsim.scenarios.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.file.ScenariosJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.mdm.management.EnrollmentProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The device lifecycle commands of {@code mdmsim mdm} (docs/mdm-endpoint.md "Editing a profile, wipe, retire, re-enrollment"): {@code mdm profile edit} and
 * {@code mdm devices list|show|wipe|retire}, against a running MDM's admin API.
 */
final class MdmLifecycleCommands {

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;

    /** The settings of an enrollment profile (its JSON keys). */
    static final List<String> SETTINGS = Arrays.stream(EnrollmentProfile.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName).toList();

    private MdmLifecycleCommands() {
    }

    @Command(name = "edit", mixinStandardHelpOptions = true,
            description = {"Edit an enrollment profile.",
                    "It is validated like a new one, defined again in ABM (a new profile_uuid there) and assigned"
                            + " again to its devices. Enrolled devices keep the settings they enrolled with until they"
                            + " are wiped and enroll again; only the device name template reaches them, at their next"
                            + " check-in.",
                    "Either --set key=value (repeatable; the current profile with these changes; a JSON value such"
                            + " as true, 300 or [\"Siri\"], else a string; key= removes the setting) or --file."},
            footer = {"", "Settings: name, description, userAffinity, authentication, installCompanyPortal, vppToken,",
                    "singleAppModeUntilAuth, supervised, lockedEnrollment, sharedIpad, maxCachedUsers,",
                    "lockGraceSeconds, inactivityLogoutSeconds, temporarySessionOnly, temporarySessionLogoutSeconds,",
                    "syncWithComputers, supervisingHostCertificates, awaitFinalConfiguration, deviceNameTemplate,",
                    "cellularDataPlanUrl, department, supportPhoneNumber, hiddenPanes, criticalApps, criticalPolicies,",
                    "companyPortalPrimaryUser, justInTimeRegistration, settingsVersion.",
                    "Exit: 0 edited, 1 the MDM refused it (the reason is printed), 2 bad usage."})
    static final class ProfileEdit extends MdmClientCommand {
        @Parameters(index = "0", paramLabel = "TOKEN", description = "Token name (see mdm tokens).")
        String token;
        @Parameters(index = "1", paramLabel = "UUID", description = "The profile's UUID (profileUuid).")
        String uuid;
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change one setting (repeatable).")
        List<String> sets;
        @Option(names = "--file", paramLabel = "FILE", description = "The whole edited profile as JSON.")
        Path file;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            boolean hasSets = sets != null && !sets.isEmpty();
            if (hasSets == (file != null)) {
                throw new CommandLine.ParameterException(cl, "give either --set KEY=VALUE (one or more) or --file"
                        + " FILE (expected: exactly one of them)");
            }
            byte[] body;
            if (file != null) {
                body = Cli.readInput(spec, "--file", file);
            } else {
                List<String[]> changes = sets.stream().map(s -> parseSet(cl, s)).toList();
                String path = profilePath();
                JsonNode answer = fetch(() -> target.client().getJson(path), MdmClientCommand::message);
                if (answer == null) {
                    return Main.EXIT_EXPECTATION_FAILED;
                }
                JsonNode current = answer.path("profile");
                ObjectNode edited = current.isObject() ? ((ObjectNode) current).deepCopy() : JSON.createObjectNode();
                for (String[] c : changes) {
                    if (c[1].isEmpty()) {
                        edited.remove(c[0]);
                    } else {
                        edited.set(c[0], value(c[1]));
                    }
                }
                try {
                    body = JSON.writeValueAsBytes(edited);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            String path = profilePath();
            return print(() -> request(target, "MDM " + path, "PUT", path, body), MdmClientCommand::message);
        }

        private String profilePath() {
            return "/admin/dep/tokens/" + enc(token) + "/profiles/" + enc(uuid);
        }

        private static String[] parseSet(CommandLine cl, String s) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(cl, "--set: " + s + " (expected: KEY=VALUE, e.g."
                        + " deviceNameTemplate={{SERIAL}})");
            }
            String key = s.substring(0, eq);
            if (!SETTINGS.contains(key)) {
                throw new CommandLine.ParameterException(cl, "--set: unknown setting " + key + " (expected one of: "
                        + String.join(", ", SETTINGS) + ")");
            }
            return new String[] {key, s.substring(eq + 1)};
        }

        /** A JSON value when the text is one (true, 300, ["Siri"], "quoted"), else the text as a string. */
        static JsonNode value(String text) {
            try {
                JsonNode n = JSON.readTree(text);
                if (n != null && !n.isMissingNode()) {
                    return n;
                }
            } catch (IOException e) {
                // a plain string
            }
            return JSON.getNodeFactory().textNode(text);
        }
    }

    @Command(name = "devices", mixinStandardHelpOptions = true,
            subcommands = {DevicesList.class, DevicesShow.class, DevicesWipe.class, DevicesRetire.class},
            description = {"List, show, wipe or retire the devices of a running MDM.",
                    "show gives one device with its lifecycle (enrollments, the profile it enrolled with, wipe and"
                            + " retire history)."},
            footer = {"", "Exit: 0 done, 1 the MDM refused (404 unknown device, 409 not enrolled), 2 bad usage."})
    static final class Devices implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand (expected: list,"
                    + " show, wipe or retire)");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the devices: UDID, serial number, enrollment state, management (MANAGED, RETIRED, …),"
                    + " enrollments, OS version, enrollment profile and name (--json: all fields).",
                    "STATE is AWAITING_FINAL_CONFIGURATION while an enrolled device waits for DeviceConfigured.",
                    "--enrollment-profile NAME lists the devices that enrolled with that profile (a dynamic group's"
                            + " rule device.enrollmentProfileName -eq \"NAME\"; case is ignored)."})
    static final class DevicesList extends MdmClientCommand {
        @Option(names = "--json", description = "Print the JSON of GET /admin/devices.")
        boolean json;
        @Option(names = "--enrollment-profile", paramLabel = "NAME",
                description = "Only devices that enrolled with the enrollment profile of this name.")
        String profile;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String path = "/admin/devices" + (profile == null ? "" : "?enrollmentProfileName=" + enc(profile));
            if (json) {
                return print(() -> target.client().getJson(path), MdmClientCommand::message);
            }
            JsonNode all = fetch(() -> target.client().getJson(path), MdmClientCommand::message);
            if (all == null) {
                return Main.EXIT_EXPECTATION_FAILED;
            }
            String row = "%-40s %-14s %-28s %-14s %-11s %-8s %-20s %s%n";
            out.printf(row, "UDID", "SERIAL", "STATE", "MANAGEMENT", "ENROLLMENTS", "OS", "PROFILE", "NAME");
            for (JsonNode d : all) {
                out.printf(row, d.path("udid").asText(), d.path("serialNumber").asText(""),
                        state(d), d.path("management").asText(""),
                        d.path("enrollments").asText(""), d.path("osVersion").asText(""),
                        d.path("enrollmentProfileName").asText(""), d.path("deviceName").asText(""));
            }
            out.printf("%d devices%n", all.size());
            return Main.EXIT_OK;
        }
    }

    /** The enrollment state, or AWAITING_FINAL_CONFIGURATION for an enrolled device held in Setup Assistant. */
    static String state(JsonNode device) {
        String state = device.path("enrollmentState").asText();
        return state.equals("ENROLLED") && device.path("awaitingConfiguration").asBoolean()
                ? "AWAITING_FINAL_CONFIGURATION" : state;
    }

    /** A command on one device of the MDM, named by its UDID. */
    abstract static class DeviceCommand extends MdmClientCommand {
        @Parameters(paramLabel = "UDID")
        String udid;

        /** POSTs to {@code /admin/devices/UDID/action} and prints the answer. */
        final int post(String action) {
            return print(() -> target.client().postBytes("/admin/devices/" + enc(udid) + "/" + action, new byte[0],
                    "application/json"), MdmClientCommand::message);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one device as JSON, with its lifecycle (management state, enrollments, history).")
    static final class DevicesShow extends DeviceCommand {
        @Override
        public Integer call() {
            return print(() -> target.client().getJson("/admin/devices/" + enc(udid)), MdmClientCommand::message);
        }
    }

    @Command(name = "wipe", mixinStandardHelpOptions = true,
            description = {"Wipe a device: EraseDevice is queued and the device pushed.", "It erases itself, runs"
                    + " Setup Assistant again and enrolls again with the current enrollment profile."})
    static final class DevicesWipe extends DeviceCommand {
        @Override
        public Integer call() {
            return post("wipe");
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = {"Retire a device: RemoveProfile of its enrollment profile is queued and the device pushed.",
                    "It sends CheckOut and is unmanaged (RETIRED) until its user erases it and it enrolls again."})
    static final class DevicesRetire extends DeviceCommand {
        @Override
        public Integer call() {
            return post("retire");
        }
    }
}
