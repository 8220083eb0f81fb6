package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.core.seed.Seeds;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.Stage;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One device's share of its population's {@link Behaviour}: which knobs pick this device (fixed by the fleet seed and
 * the serial number, whatever the device's position or shard), its simulated user, and the random streams for pane
 * dwell times, network faults and command faults. Owned by the device's thread.
 *
 * <p>Command handlers consult {@link #commandFault(String)} (the command loop already does, before dispatch).
 */
public final class DeviceBehaviour {

    /** The simulated domain of a simulated command error. */
    public static final String SIMULATED_ERROR_DOMAIN = "io.mdmsim.SimulatedError";

    /** Stages after which a device may reboot (they apply to every device that gets past them). */
    private static final List<Stage> REBOOT_POINTS = List.of(Stage.LANGUAGE_REGION, Stage.ACTIVATION,
            Stage.CLOUD_CONFIG, Stage.SETUP_PANES, Stage.PROFILE, Stage.SCEP, Stage.AUTHENTICATE, Stage.TOKEN_UPDATE);
    private static final double DWELL_SIGMA = 0.5;

    /**
     * A simulated user.
     *
     * @param userName "user-&lt;serial&gt;@domain", lower case
     * @param password from the knobs
     * @param mfa      whether their sign-in asks for a second factor (where the method supports one)
     * @param mfaCode  the one-time code they type
     */
    public record SimUser(String userName, String password, boolean mfa, String mfaCode) {
        public SimUser {
            requireNonNull(userName, "userName");
            requireNonNull(password, "password");
            requireNonNull(mfaCode, "mfaCode");
        }
    }

    private final Behaviour knobs;
    private final boolean delaysScep;
    private final boolean retriesScep;
    private final Stage rebootAfter;
    private final boolean alreadyActivated;
    private final boolean companyPortal;
    private final SimUser user;
    private final boolean addedByConfigurator;
    private final boolean removesManagement;
    private final boolean secondFactorElsewhere;
    private final boolean restores;
    private final boolean updates;
    private final SplittableRandom dwell;
    private final SplittableRandom network;
    private final SplittableRandom commands;

    private DeviceBehaviour(Behaviour knobs, long seed, String serial) {
        this.knobs = knobs;
        String at = "behaviour/" + serial + "/";
        this.delaysScep = Seeds.unit(seed, at + "scep-delay") < knobs.scepDelayShare();
        this.retriesScep = Seeds.unit(seed, at + "scep-retry") < knobs.scepRetryShare();
        this.rebootAfter = Seeds.unit(seed, at + "reboot") < knobs.rebootShare()
                ? REBOOT_POINTS.get((int) Math.floorMod(Seeds.mix(seed, at + "reboot-at"), (long) REBOOT_POINTS.size()))
                : null;
        this.alreadyActivated = Seeds.unit(seed, at + "activated") < knobs.activatedShare();
        this.companyPortal = Seeds.unit(seed, at + "company-portal") < knobs.companyPortalShare();
        this.user = new SimUser("user-" + serial.toLowerCase(Locale.ROOT) + "@" + knobs.userDomain(),
                knobs.userPassword(), Seeds.unit(seed, at + "mfa") < knobs.mfaShare(), knobs.mfaCode());
        this.addedByConfigurator = Seeds.unit(seed, at + "configurator") < knobs.configuratorShare();
        this.removesManagement = Seeds.unit(seed, at + "remove-management") < knobs.removeManagementShare();
        this.secondFactorElsewhere = Seeds.unit(seed, at + "second-factor-elsewhere")
                < knobs.secondFactorElsewhereShare();
        this.restores = Seeds.unit(seed, at + "restore") < knobs.restoreShare();
        this.updates = Seeds.unit(seed, at + "software-update") < knobs.softwareUpdateShare();
        this.dwell = new SplittableRandom(Seeds.mix(seed, at + "dwell"));
        this.network = new SplittableRandom(Seeds.mix(seed, at + "network"));
        this.commands = new SplittableRandom(Seeds.mix(seed, at + "commands"));
    }

    /** Whether this user restores an iCloud backup on the Apps &amp; Data pane. */
    public boolean restores() {
        return restores;
    }

    /** Whether this user installs the update the Software Update pane offers. */
    public boolean updates() {
        return updates;
    }

    public static DeviceBehaviour resolve(Behaviour knobs, long seed, DeviceSpec spec) {
        requireNonNull(knobs, "knobs");
        requireNonNull(spec, "spec");
        return new DeviceBehaviour(knobs, seed, spec.serialNumber());
    }

    public Behaviour knobs() {
        return knobs;
    }

    /** Whether this device's user waits {@link Behaviour#scepDelay()} before SCEP. */
    public boolean delaysScep() {
        return delaysScep;
    }

    /** Whether this device's user downloads the management profile again after a SCEP error. */
    public boolean retriesScep() {
        return retriesScep;
    }

    /** The stage after which this device reboots once, if it does. */
    public Optional<Stage> rebootAfter() {
        return Optional.ofNullable(rebootAfter);
    }

    /** Whether the device was set up before it was assigned (it must be wiped before it enrolls). */
    public boolean alreadyActivated() {
        return alreadyActivated;
    }

    /** Whether this device's user signs in to Company Portal after the home screen. */
    public boolean companyPortal() {
        return companyPortal;
    }

    /** Not purchased through ABM but added later with Apple Configurator: a provisional enrollment (seeds). */
    public boolean addedByConfigurator() {
        return addedByConfigurator;
    }

    /** Whether this device's user tries to remove management {@link Behaviour#removeManagementAfter()} after enrollment. */
    public boolean removesManagement() {
        return removesManagement;
    }

    /** Whether this user's second factor is on another device (possible on a device locked in Single App Mode). */
    public boolean secondFactorElsewhere() {
        return secondFactorElsewhere;
    }

    public SimUser user() {
        return user;
    }

    /**
     * How long the user stays on something whose median is {@code median}: log-normal around the median (half of the
     * users within about x0.7..x1.4), times the dwell scale. Zero when the scale is zero.
     */
    public Duration dwell(Duration median) {
        requireNonNull(median, "median");
        double scale = knobs.dwellScale();
        double z = gaussian(dwell);
        if (scale == 0 || median.isZero()) {
            return Duration.ZERO;
        }
        double factor = Math.exp(DWELL_SIGMA * Math.max(-3, Math.min(3, z)));
        return Duration.ofMillis(Math.round(median.toMillis() * factor * scale));
    }

    /** The device's random stream for network faults (one draw per exchange, in the order of the exchanges). */
    public SplittableRandom networkRandom() {
        return network;
    }

    /**
     * NotNow or Error for this command by the knobs' probabilities, or empty to run it. One draw per command, in the
     * order the device receives them.
     */
    public Optional<CommandReply> commandFault(String requestType) {
        Behaviour.CommandFault fault = knobs.faultFor(requestType == null ? "" : requestType);
        double u = commands.nextDouble();
        if (u < fault.notNow()) {
            return Optional.of(CommandReply.notNow());
        }
        if (u < fault.notNow() + fault.error()) {
            String text = "Simulated failure of " + requestType + " (mdmsim behaviour knob)";
            return Optional.of(new CommandReply(CommandStatus.ERROR, Map.of(),
                    List.of(new ErrorChainItem(1, SIMULATED_ERROR_DOMAIN, text, text))));
        }
        return Optional.empty();
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(); // (0, 1]
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
