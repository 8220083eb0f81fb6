package io.mdmsim.scenarios.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.crypto.RsaEngines;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Population;
import io.mdmsim.scenarios.model.Durations;
import io.mdmsim.scenarios.quickstart.AdminClient;
import io.mdmsim.scenarios.quickstart.Progress;
import io.mdmsim.scenarios.quickstart.Summary;
import io.mdmsim.scenarios.report.RunRecorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code mdmsim devices}: runs virtual iPhones and iPads through Setup Assistant and automated device enrollment (see
 * the command's description below) and prints their progress and summary.
 *
 * <p>It is a little over 400 lines because it is the whole option list of the command (every behaviour knob of the
 * fleet, each with its help text) and their mapping to {@code FleetConfig}.
 */
@Command(name = "devices",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        subcommands = DevicesReplayCommand.class,
        description = {
                "Run virtual iPhones and iPads through Setup Assistant and automated device enrollment.",
                "Each powers on, walks the panes of its OS version, fetches its cloud configuration from the fake ABM"
                        + " and enrolls into whatever MDM server that configuration names (ours or any other).",
                "The devices are the fake ABM's inventory that is assigned to an MDM server, narrowed by the"
                        + " population options; the knobs make users slow or late and the network flaky. Everything"
                        + " random follows --seed. Exits 0 only if every device enrolled.",
                "'mdmsim devices replay TRACE' runs one recorded device again."
        })
final class DevicesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    PkiOption pki;

    @Mixin
    DevicesOpsOptions ops;

    @Mixin
    ReportOptions report;

    @Option(names = "--abm", paramLabel = "URL",
            description = "Base URL of the fake ABM (its cloud configuration and admin inventory), e.g. http://127.0.0.1:8400.")
    URI abm;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "The fake ABM's admin token, to read its inventory. Default: $"
                    + io.mdmsim.core.http.AdminAccess.ENV + ", else the token file the fake ABM wrote"
                    + " (~/.mdmsim/admin-tokens/PORT).")
    String adminToken;

    @Option(names = "--profile", paramLabel = "URL|FILE",
            description = "Enroll over the air from this enrollment profile (an http(s) URL each device downloads, or a"
                    + " .mobileconfig file) instead of through the fake ABM; --abm is then not needed.")
    String profile;

    // ---- population -------------------------------------------------------------------------------------------

    @Option(names = "--count", paramLabel = "N",
            description = "How many of the assigned devices to run (default: all that fit the population).")
    Integer count;

    @Option(names = "--models", paramLabel = "LIST",
            description = "Which models, with optional weights: product types (iPhone15,2), names (\"iPhone 14 Pro\"),"
                    + " families (iPhone, iPad) or prefixes (\"iPad Pro*\"), e.g. 'iPhone=3,iPad'. Default: all.")
    String models;

    @Option(names = "--os", paramLabel = "LIST",
            description = "OS versions, with optional weights: majors (17), minors with their patches (17.5) or releases"
                    + " (17.5.1), e.g. '17=60,18=40'. Each device gets one its model runs. Default: keep the"
                    + " inventory's.")
    String osVersions;

    @Option(names = "--ipad-share", paramLabel = "F",
            description = "Share of iPads among the devices, 0..1 (default: as the inventory and --models give).")
    Double ipadShare;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "200",
            description = "How many devices run at the same time (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed for the pick of devices, UDIDs, IMEIs, users, knobs and every random choice"
                    + " (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--language", paramLabel = "CODE", defaultValue = "en",
            description = "Language chosen on the Language pane and sent in MachineInfo (default ${DEFAULT-VALUE}).")
    String language;

    // ---- users ----------------------------------------------------------------------------------------------------

    @Option(names = "--dwell-scale", paramLabel = "F", defaultValue = "0",
            description = "Time users spend on each Setup Assistant pane, as a multiple of a realistic median:"
                    + " 0 clicks through instantly, 1 is realistic (default ${DEFAULT-VALUE}).")
    double dwellScale;

    @Option(names = "--scep-delay-share", paramLabel = "F", defaultValue = "0",
            description = "Share of users who wait --scep-delay after the enrollment profile arrives, before SCEP"
                    + " (default ${DEFAULT-VALUE}).")
    double scepDelayShare;

    @Option(names = "--scep-delay", paramLabel = "DURATION", defaultValue = "16m", converter = DurationConverter.class,
            description = "How long those users wait (default ${DEFAULT-VALUE}: past the 15-minute SCEP challenge).")
    Duration scepDelay;

    @Option(names = "--scep-retry-share", paramLabel = "F", defaultValue = "0",
            description = "Share of users who download the management profile again after \"The SCEP server returned"
                    + " an invalid response\" (default ${DEFAULT-VALUE}).")
    double scepRetryShare;

    @Option(names = "--scep-retry-after", paramLabel = "DURATION", defaultValue = "2m",
            converter = DurationConverter.class,
            description = "When they retry; more than 15 minutes after the error the device needs a factory reset"
                    + " (default ${DEFAULT-VALUE}).")
    Duration scepRetryAfter;

    @Option(names = "--activated-share", paramLabel = "F", defaultValue = "0",
            description = "Share of devices set up before they were assigned: they must be wiped first (default"
                    + " ${DEFAULT-VALUE}).")
    double activatedShare;

    @Option(names = "--wipe-when-needed",
            description = "Users erase a device that needs a wipe and start Setup Assistant again.")
    boolean wipeWhenNeeded;

    @Option(names = "--reboot-share", paramLabel = "F", defaultValue = "0",
            description = "Share of devices that reboot once during Setup Assistant (default ${DEFAULT-VALUE}).")
    double rebootShare;

    @Option(names = "--mfa-share", paramLabel = "F", defaultValue = "1",
            description = "Share of users registered for a second factor (default ${DEFAULT-VALUE}); the others fail"
                    + " where a sign-in page asks for one.")
    double mfaShare;

    @Option(names = "--company-portal-share", paramLabel = "F", defaultValue = "0",
            description = "Share of users who sign in to Company Portal after the home screen (default"
                    + " ${DEFAULT-VALUE}).")
    double companyPortalShare;

    @Option(names = "--company-portal-delay", paramLabel = "DURATION", defaultValue = "5m",
            converter = DurationConverter.class,
            description = "When they sign in; after 24 hours enrollment fails (default ${DEFAULT-VALUE}).")
    Duration companyPortalDelay;

    @Option(names = "--second-factor-elsewhere-share", paramLabel = "F", defaultValue = "1",
            description = "Share of users with a second factor whose second factor is on another device (default"
                    + " ${DEFAULT-VALUE}); the others cannot sign in to Company Portal on a device locked in Single"
                    + " App Mode, where multifactor authentication isn't supported.")
    double secondFactorElsewhereShare;

    @Option(names = "--restore-share", paramLabel = "F", defaultValue = "0",
            description = "Share of users who restore an iCloud backup on Apps & Data; only they see Restore"
                    + " Completed (iOS 14+; default ${DEFAULT-VALUE}).")
    double restoreShare;

    @Option(names = "--software-update-share", paramLabel = "F", defaultValue = "0",
            description = "Share of users who install the update the Software Update pane offers; only they see"
                    + " Software Update Completed (iOS 14+; the device keeps its OS version; default ${DEFAULT-VALUE}).")
    double softwareUpdateShare;

    // ---- management: locked enrollment, retire ------------------------------------------------------------------

    @Option(names = "--configurator-share", paramLabel = "F", defaultValue = "0",
            description = "Share of devices not purchased through ABM but added later with Apple Configurator: under"
                    + " locked enrollment their users may still remove management for the first 30 days after"
                    + " activation (default ${DEFAULT-VALUE}).")
    double configuratorShare;

    @Option(names = "--remove-management-share", paramLabel = "F", defaultValue = "0",
            description = "Share of users who try to remove management in Settings --remove-management-after their"
                    + " device enrolled (default ${DEFAULT-VALUE}); locked enrollment refuses it, except in the"
                    + " provisional window.")
    double removeManagementShare;

    @Option(names = "--remove-management-after", paramLabel = "DURATION", defaultValue = "1d",
            converter = DurationConverter.class,
            description = "When they try, after enrollment on the simulated clock; the device lives at least that long"
                    + " (default ${DEFAULT-VALUE}).")
    Duration removeManagementAfter;

    @Option(names = "--reenroll-after-retire",
            description = "Users erase a device the MDM retired (RemoveProfile of the enrollment profile) and enroll it"
                    + " again through Setup Assistant.")
    boolean reenrollAfterRetire;

    @Option(names = "--user-domain", paramLabel = "DOMAIN", defaultValue = "example.com",
            description = "Users are user-<serial>@DOMAIN (default ${DEFAULT-VALUE}).")
    String userDomain;

    @Option(names = "--user-password", paramLabel = "PASSWORD", defaultValue = "mdmsim-password",
            description = "The users' password for legacy and web sign-in (default ${DEFAULT-VALUE}).")
    String userPassword;

    // ---- commands and network ---------------------------------------------------------------------------------------

    @Option(names = "--not-now", paramLabel = "TYPE=P",
            description = "Answer NotNow to a share of a RequestType ('*' for all others), e.g."
                    + " InstallApplication=0.3. Repeatable.")
    List<String> notNow = new ArrayList<>();

    @Option(names = "--error-rate", paramLabel = "TYPE=P",
            description = "Answer Error to a share of a RequestType ('*' for all others). Repeatable.")
    List<String> errorRate = new ArrayList<>();

    @Option(names = "--latency", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Round-trip time added to every HTTP exchange (default ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(names = "--drop-rate", paramLabel = "F", defaultValue = "0",
            description = "Share of exchanges whose answer is lost after the server handled it (default"
                    + " ${DEFAULT-VALUE}).")
    double dropRate;

    @Option(names = "--reset-rate", paramLabel = "F", defaultValue = "0",
            description = "Share of exchanges reset before they reach the server (default ${DEFAULT-VALUE}).")
    double resetRate;

    @Option(names = "--network-retries", paramLabel = "N", defaultValue = "3",
            description = "How often a device repeats a dropped or reset exchange (default ${DEFAULT-VALUE}).")
    int networkRetries;

    @Mixin
    ClockOption clockOption;

    @Override
    public Integer call() {
        URI profileUri = profileUri();
        if (abm == null && profileUri == null) {
            throw usage("Missing required option: '--abm=URL' (the fake ABM's base URL, e.g. http://127.0.0.1:8400)");
        }
        ops.validate();
        if (count != null && count < 1) {
            throw usage("--count: " + count + " (expected: 1 or more)");
        }
        if (concurrency < 1) {
            throw usage("--concurrency: " + concurrency + " (expected: 1 or more)");
        }
        SimClock clock = clockOption.clock(spec, false);
        Behaviour behaviour = behaviour();
        population(count != null ? count : 1, behaviour); // bad --models/--os/--ipad-share fail before any I/O
        PrintWriter out = spec.commandLine().getOut();
        List<DeviceSpec> inventory = new ArrayList<>();
        if (profileUri != null) {
            // an MDM the devices have never seen: no ABM inventory, the devices come from the population options
            inventory.addAll(population(count != null ? count : 1, behaviour).devices(seed));
        }
        for (JsonNode d : profileUri != null ? List.<JsonNode>of()
                : new AdminClient("fake ABM", abm, io.mdmsim.core.http.AdminAccess.find(abm, adminToken).orElse(null))
                        .getJson("/admin/devices")) {
            if (d.path("mdmServer").isTextual()) {
                inventory.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                        d.path("model").asText(), d.path("osVersion").asText(), d.path("buildVersion").asText()));
            }
        }
        if (inventory.isEmpty()) {
            out.println("mdmsim devices: the fake ABM at " + abm + " has no device assigned to an MDM server;"
                    + " assign some first (POST /admin/assignments).");
            return Main.EXIT_EXPECTATION_FAILED;
        }
        List<DeviceSpec> specs = ops.shard(population(inventory.size(), behaviour).selectFrom(inventory, seed));
        if (specs.isEmpty()) {
            out.println("mdmsim devices: none of the " + inventory.size() + " assigned devices fits --models "
                    + (models == null ? "(all)" : models) + " and --os "
                    + (osVersions == null ? "(any)" : osVersions) + ".");
            return Main.EXIT_EXPECTATION_FAILED;
        }
        out.printf("mdmsim devices: %d devices from %s (%s)%n", specs.size(), profileUri != null ? profileUri : abm,
                mix(specs));
        if (clock != SimClock.system()) {
            out.printf("  clock %s%n", ClockOption.describe(clock));
        }
        out.printf("  RSA %s%n", RsaEngines.describe());
        if (count != null && specs.size() < count) {
            out.printf("  only %d of the %d asked for fit the population%n", specs.size(), count);
        }
        Instant started = clock.now();
        Progress progress = new Progress(out, specs.size());
        RunRecorder recorder = report.recorder("devices", seed, ops.parsedShard(), clock, specs.size(), ops);
        FleetResult result;
        try (Interruption interruption = Interruption.install(spec.commandLine().getErr())) {
            SimPki simPki = pki.load(clock.now());
            try {
                result = DeviceFleet.run(ops.applyTo(FleetConfig.builder(), simPki)
                    .cloudConfigUrl(abm == null ? null : abm.resolve("/cloudconfig"))
                    .enrollmentProfile(profileUri)
                    .appleDeviceCa(simPki.appleDeviceCa().identity())
                    .devices(specs)
                    .behaviour(behaviour)
                    .seed(seed)
                    .clock(clock)
                    .concurrency(concurrency)
                    .language(language)
                    .listener(ReportOptions.listener(progress, recorder))
                    .build());
            } finally {
                progress.finish();
            }
            Thread.interrupted(); // a signal's interrupt stopped the fleet; the summary still prints
            int exit = summarize(out, result, Duration.between(started, clock.now()), specs.size());
            // the fake ABM's DEP figures share the run's time line only on the wall clock; of shards, the first records them
            report.write(recorder, result, specs.size(), out,
                    clock == SimClock.system() && ops.parsedShard().index() == 1 ? abm : null, adminToken);
            if (interruption.signalled()) {
                out.printf("  stopped by Ctrl-C or SIGTERM: %d devices had not finished%s; exit %d%n",
                        result.count(io.mdmsim.device.Outcome.INTERRUPTED),
                        ops.traceDir == null ? " (traces need --trace-dir)"
                                : ", their traces are in " + ops.traceDir, Interruption.EXIT_INTERRUPTED);
                out.flush();
                return Interruption.EXIT_INTERRUPTED;
            }
            return exit;
        }
    }

    private static int summarize(PrintWriter out, FleetResult result, Duration took, int expected) {
        Summary summary = new Summary(result, took);
        summary.print(out);
        Map<String, Integer> m = result.management();
        if (m.get("unmanaged") > 0 || m.get("singleAppMode") > 0) {
            out.printf("  management at the end: %d managed, %d unmanaged (%d retired, %d removed by the user),"
                    + " %d still in Single App Mode%n", m.get("managed"), m.get("unmanaged"), m.get("RETIRED"),
                    m.get("REMOVED_BY_USER"), m.get("singleAppMode"));
        }
        if (m.get("refusedWhileManaged") > 0) {
            out.printf("  %d check-ins refused with 403 while managed: the MDM does not recognize devices it enrolled"
                    + " (restarted without its state?)%n", m.get("refusedWhileManaged"));
        }
        out.flush();
        return summary.allEnrolled(expected) ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
    }

    /** --profile as a URI: an http(s) URL as given, anything else a file that must exist; null without --profile. */
    URI profileUri() {
        if (profile == null) {
            return null;
        }
        if (profile.startsWith("http://") || profile.startsWith("https://")) {
            try {
                URI u = new URI(profile);
                if (u.getHost() != null) {
                    return u;
                }
            } catch (java.net.URISyntaxException e) {
                // falls through to the usage error
            }
            throw usage("--profile: " + profile + " (expected: an http(s) URL with a host, or a .mobileconfig file)");
        }
        java.nio.file.Path file = java.nio.file.Path.of(profile.startsWith("file:") ? URI.create(profile).getPath()
                : profile).toAbsolutePath();
        if (!java.nio.file.Files.isReadable(file)) {
            throw usage("--profile: " + profile + " is not a readable file (expected: an http(s) URL or a"
                    + " .mobileconfig file)");
        }
        return file.toUri();
    }

    /** The population the options describe, at most {@code available} devices unless --count says otherwise. */
    Population population(int available, Behaviour behaviour) {
        try {
            Population.Builder b = Population.builder().count(count != null ? count : available)
                    .ipadShare(ipadShare).behaviour(behaviour);
            if (models != null) {
                b.models(models);
            }
            if (osVersions != null) {
                b.osVersions(osVersions);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage()); // option names replace the Java names centrally (Main)
        }
    }

    /** The knobs the options describe. */
    Behaviour behaviour() {
        Behaviour.Builder b = Behaviour.builder()
                .dwellScale(dwellScale)
                .scepDelay(scepDelayShare, scepDelay)
                .scepRetry(scepRetryShare, scepRetryAfter)
                .activatedShare(activatedShare)
                .wipeWhenNeeded(wipeWhenNeeded)
                .reboot(rebootShare, Duration.ofSeconds(45))
                .mfaShare(mfaShare)
                .companyPortal(companyPortalShare, companyPortalDelay)
                .secondFactorElsewhereShare(secondFactorElsewhereShare)
                .restoreShare(restoreShare)
                .softwareUpdateShare(softwareUpdateShare)
                .configuratorShare(configuratorShare)
                .removeManagement(removeManagementShare, removeManagementAfter)
                .reenrollAfterRetire(reenrollAfterRetire)
                .userDomain(userDomain)
                .userPassword(userPassword)
                .latency(latency)
                .dropRate(dropRate)
                .resetRate(resetRate)
                .networkRetries(networkRetries);
        Map<String, double[]> faults = new TreeMap<>();
        parseFaults("--not-now", notNow, faults, 0);
        parseFaults("--error-rate", errorRate, faults, 1);
        try {
            faults.forEach((type, p) -> b.commandFault(type, p[0], p[1]));
            return b.build();
        } catch (IllegalArgumentException e) {
            // option names replace the Java names centrally (Main); CommandFault calls Error "error"
            throw usage(e.getMessage().replace("notNow + error:", "notNow + errorRate:"));
        }
    }

    private void parseFaults(String option, List<String> values, Map<String, double[]> faults, int slot) {
        for (String v : values) {
            int eq = v.lastIndexOf('=');
            if (eq <= 0) {
                throw usage(option + ": " + v + " (expected: RequestType=share, e.g. InstallApplication=0.3)");
            }
            double share;
            try {
                share = Double.parseDouble(v.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw usage(option + ": " + v + " (expected: a share 0..1 after '=')");
            }
            if (!(share >= 0 && share <= 1)) {
                throw usage(option + ": " + v + " (expected: a share 0..1 after '=')");
            }
            faults.computeIfAbsent(v.substring(0, eq).strip(), t -> new double[2])[slot] = share;
        }
    }

    private static String mix(List<DeviceSpec> specs) {
        Map<String, Integer> families = new TreeMap<>();
        Map<Integer, Integer> majors = new TreeMap<>();
        for (DeviceSpec d : specs) {
            families.merge(d.family(), 1, Integer::sum);
            majors.merge(d.osMajor(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        families.forEach((f, n) -> parts.add(n + " " + f));
        List<String> os = new ArrayList<>();
        majors.forEach((m, n) -> os.add(m + ".x " + n));
        return String.join(", ", parts) + "; OS " + String.join(", ", os);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** "16m", "90s", "250ms", "1h30m", "2d" or ISO-8601 ("PT16M"): {@link Durations}, as a picocli converter. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
