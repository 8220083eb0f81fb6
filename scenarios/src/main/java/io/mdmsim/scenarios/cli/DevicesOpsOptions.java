package io.mdmsim.scenarios.cli;

import io.mdmsim.core.pki.SimPki;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Shard;
import io.mdmsim.device.Stage;
import io.mdmsim.device.Timeouts;
import io.mdmsim.device.TraceOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of {@code mdmsim devices} for a fleet's life after enrollment, its traces, its time limits and its
 * scale: push channel, lifetime, periodic check-ins, traces, deadline and stage timeouts, key pool, connection limit,
 * {@code --shard i/n}. A picocli mixin:
 * {@code @Mixin DevicesOpsOptions ops;}, then {@code specs = ops.shard(specs)} and {@code ops.applyTo(builder, pki)}.
 */
public final class DevicesOpsOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run only shard I of N (1-based): the population's serials sorted and cut into N contiguous"
                    + " ranges, so N processes with the same population and seed split it without overlap (a"
                    + " Kubernetes Indexed Job passes $((JOB_COMPLETION_INDEX + 1))/N). Default: all.")
    String shard;

    @Option(names = "--apns", paramLabel = "URL",
            description = "The fake APNs device channel (the fake ABM's APNs listener): each device gets its push token"
                    + " there and the fleet holds one push stream. Default: random tokens, no push channel.")
    URI apns;

    @Option(names = "--lifetime", paramLabel = "DURATION", defaultValue = "0s",
            converter = DevicesCommand.DurationConverter.class,
            description = "How long each device lives after enrollment, answering pushes and checking in (default"
                    + " ${DEFAULT-VALUE}: the run ends when every device enrolled). Ctrl-C ends it early; enrolled"
                    + " devices still count as enrolled.")
    Duration lifetime;

    @Option(names = "--checkin-interval", paramLabel = "DURATION", defaultValue = "0s",
            converter = DevicesCommand.DurationConverter.class,
            description = "During their lifetime devices check in this often on their own (default ${DEFAULT-VALUE}:"
                    + " only when pushed).")
    Duration checkinInterval;

    @Option(names = "--token-update-interval", paramLabel = "DURATION", defaultValue = "0s",
            converter = DevicesCommand.DurationConverter.class,
            description = "During their lifetime devices repeat their TokenUpdate this often (default"
                    + " ${DEFAULT-VALUE}: never).")
    Duration tokenUpdateInterval;

    @Option(names = "--idle-poll-interval", paramLabel = "DURATION", defaultValue = "30s",
            converter = DevicesCommand.DurationConverter.class,
            description = "How long a device awaiting configuration waits before polling again after an empty reply"
                    + " or a NotNow (default ${DEFAULT-VALUE}).")
    Duration idlePollInterval;

    @Option(names = "--trace-dir", paramLabel = "DIR",
            description = "Write a trace per device (DIR/<serial>.jsonl, every message with raw plists) for the"
                    + " devices that did not enroll; with --trace-all for every device. Replay one with 'mdmsim"
                    + " devices replay'.")
    Path traceDir;

    @Option(names = "--trace-all", description = "Keep the traces of enrolled devices too (needs --trace-dir).")
    boolean traceAll;

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DevicesCommand.DurationConverter.class,
            description = "The longest each device's run may take on the devices' clock; a device past it ends"
                    + " TIMED_OUT at its stage with the last answer it got (default: none; the stage timeouts end"
                    + " every run).")
    Duration deadline;

    @Option(names = "--stage-timeout", paramLabel = "STAGE=DURATION",
            description = "The timeout of one stage on the devices' clock, e.g. AWAITING_CONFIGURATION=2h. Repeatable."
                    + " Defaults: SCEP 15m (the challenge window), the HTTP stages 5m, REMOTE_MANAGEMENT 15m,"
                    + " AWAITING_CONFIGURATION and COMPANY_PORTAL 30m, the panes 10m; the user's own pauses (the"
                    + " knobs) do not count.")
    List<String> stageTimeouts = new java.util.ArrayList<>();

    @Option(names = "--key-pool", paramLabel = "N",
            description = "Draw RSA keys from a pool of N keys made before the run, instead of a fresh key per"
                    + " identity (load runs; devices then share keys). Default: fresh keys.")
    Integer keyPool;

    @Option(names = "--key-pool-file", paramLabel = "FILE",
            description = "Keep the --key-pool keys in FILE (PEM) and reuse them on later runs.")
    Path keyPoolFile;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "256",
            description = "HTTP exchanges the whole fleet runs at once, and so the most connections it opens"
                    + " (default ${DEFAULT-VALUE}).")
    int maxConnections;

    /** The shard of the population this process runs (all of it without --shard). */
    public List<DeviceSpec> shard(List<DeviceSpec> population) {
        return parsedShard().select(population);
    }

    public Shard parsedShard() {
        if (shard == null) {
            return Shard.ALL;
        }
        try {
            return Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            throw usage("--" + e.getMessage());
        }
    }

    /** Sets the life, trace, key and connection options on a fleet; the PKI root becomes a trust anchor for https. */
    public FleetConfig.Builder applyTo(FleetConfig.Builder b, SimPki pki) {
        validate();
        b.apnsUrl(apns).lifetime(lifetime).checkinInterval(checkinInterval).tokenUpdateInterval(tokenUpdateInterval)
                .idlePollInterval(idlePollInterval)
                .maxConnections(maxConnections).trustAnchors(List.of(pki.root().certificate()));
        if (traceDir != null) {
            b.traces(traceAll ? TraceOptions.all(traceDir) : TraceOptions.failed(traceDir));
        }
        b.timeouts(timeouts());
        if (keyPool != null) {
            b.keySource(keyPoolFile != null ? KeySource.pool(keyPoolFile, keyPool) : KeySource.pregenerated(keyPool));
        }
        return b;
    }

    /** Bad values as bad usage (exit 2), before any I/O. */
    public void validate() {
        parsedShard();
        if (apns != null && (apns.getHost() == null || apns.getScheme() == null)) {
            throw usage("--apns: " + apns + " (expected: the fake APNs base URL, e.g. https://127.0.0.1:8443)");
        }
        for (Object[] d : new Object[][] {{"--lifetime", lifetime}, {"--checkin-interval", checkinInterval},
                {"--token-update-interval", tokenUpdateInterval}, {"--idle-poll-interval", idlePollInterval}}) {
            if (((Duration) d[1]).isNegative()) {
                throw usage(d[0] + ": " + d[1] + " (expected: >= 0)");
            }
        }
        if (traceAll && traceDir == null) {
            throw usage("--trace-all needs --trace-dir DIR");
        }
        if (keyPool != null && (keyPool < 1 || keyPool > 10_000)) {
            throw usage("--key-pool: " + keyPool + " (expected: 1..10000)");
        }
        if (keyPoolFile != null && keyPool == null) {
            throw usage("--key-pool-file needs --key-pool N");
        }
        if (maxConnections < 1 || maxConnections > 20_000) {
            throw usage("--max-connections: " + maxConnections + " (expected: 1..20000)");
        }
        if (deadline != null && !deadline.isPositive()) {
            throw usage("--deadline: " + deadline + " (expected: > 0)");
        }
        timeouts();
    }

    /** --deadline and --stage-timeout over the defaults. */
    Timeouts timeouts() {
        Timeouts t = Timeouts.DEFAULT.withDeadline(deadline);
        for (String s : stageTimeouts) {
            int eq = s.indexOf('=');
            Stage stage = null;
            if (eq > 0) {
                try {
                    stage = Stage.valueOf(s.substring(0, eq).strip().toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    // reported below
                }
            }
            if (stage == null) {
                throw usage("--stage-timeout: " + s + " (expected: STAGE=DURATION with STAGE one of "
                        + java.util.Arrays.toString(Stage.values()) + ", e.g. SCEP=20m)");
            }
            Duration d;
            try {
                d = new DevicesCommand.DurationConverter().convert(s.substring(eq + 1));
            } catch (CommandLine.TypeConversionException e) {
                throw usage("--stage-timeout: " + s + " (expected: a duration after '=', e.g. SCEP=20m)");
            }
            try {
                t = t.withStage(stage, d);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw usage("--stage-timeout: " + s + " " + m.substring(Math.max(0, m.indexOf('('))));
            }
        }
        return t;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
