package io.mdmsim.mdm.reference;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.dep.DepTokenService;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.device.EnrollmentState;
import io.mdmsim.mdm.device.LifecycleState;
import io.mdmsim.mdm.device.LifecycleState.Action;
import io.mdmsim.mdm.enroll.EnrollmentService;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.push.PushService;
import io.mdmsim.mdm.queue.CommandQueue;
import io.mdmsim.mdm.queue.CommandState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A device's life with the reference MDM across enrollments (seeds "Re-enroll a device"): the enrollment
 * profile snapshot taken at each Authenticate (edits take effect only after a factory reset, except the device name
 * template), the enrollment count and history, wipe (EraseDevice) and retire (RemoveProfile of the enrollment
 * profile), and the commands an enrollment profile sends after enrollment (Shared iPad settings, the cellular data
 * plan; {@link EnrollmentSettings}).
 */
public final class DeviceLifecycle {

    /** PayloadIdentifier of the enrollment (MDM) profile {@link EnrollmentService} serves. */
    public static final String ENROLLMENT_PROFILE_IDENTIFIER = "io.mdmsim.mdm.enrollment";

    private final DeviceRegistry registry;
    private final ReferenceMdmService mdm;
    private final PushService pushes;
    private final EventLog events;
    private final SimClock clock;
    private volatile Function<String, DepTokenService.ProfileRef> profiles = serial -> null;

    public DeviceLifecycle(DeviceRegistry registry, ReferenceMdmService mdm, PushService pushes, EventLog events,
            SimClock clock) {
        this.registry = requireNonNull(registry, "registry");
        this.mdm = requireNonNull(mdm, "mdm");
        this.pushes = requireNonNull(pushes, "pushes");
        this.events = requireNonNull(events, "events");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Where a serial's current enrollment profile comes from (the DEP tokens). */
    public DeviceLifecycle profiles(Function<String, DepTokenService.ProfileRef> lookup) {
        this.profiles = requireNonNull(lookup, "lookup");
        return this;
    }

    DepTokenService.ProfileRef current(String serial) {
        return serial == null ? null : profiles.apply(serial);
    }

    // ---- hooks from ReferenceMdmService (device lock held) --------------------------------------------------------

    /**
     * Authenticate: a new enrollment. Takes the snapshot of the profile the device enrolls with and records the
     * enrollment (after a wipe or a retire, the history says so).
     */
    static void authenticated(DeviceRecord d, DepTokenService.ProfileRef profile, Instant now, EventLog events) {
        LifecycleState s = d.life;
        // a new enrollment: what the last one had pending was canceled (ReferenceMdmService cancels the queue)
        d.nameCommandUuid = null;
        d.nameRefused = null;
        d.pendingCritical.clear();
        s.enrollments++;
        s.snapshot = profile;
        s.snapshotAt = now;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("enrollment", s.enrollments);
        e.put("at", now.toString());
        e.put("event", "authenticated");
        Action after = s.pending != null ? s.pending : s.lastAction;
        if (after != null && s.enrollments > 1) {
            e.put("after", after.name().toLowerCase(Locale.ROOT));
        }
        if (profile != null) {
            e.put("profileUuid", profile.profileUuid());
            e.put("profileRevision", profile.revision());
            e.put("profileName", profile.profile().name());
        }
        s.record(e);
        s.pending = null;
        s.pendingCommandUuid = null;
        s.pendingSince = null;
        s.lastAction = null;
        s.retiredAt = null;
        if (events != null && s.enrollments > 1) {
            events.emit("device.reenrolled", d.id, "enrollment", s.enrollments, "after", e.get("after"),
                    "profileUuid", e.get("profileUuid"), "profileRevision", e.get("profileRevision"));
        }
    }

    /** CheckOut: after a retire the device is RETIRED. */
    static void checkedOut(DeviceRecord d, Instant now, EventLog events) {
        LifecycleState s = d.life;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("enrollment", s.enrollments);
        e.put("at", now.toString());
        e.put("event", "checked out");
        if (s.pending == Action.RETIRE) {
            s.retiredAt = now;
            s.retires++;
            s.lastAction = Action.RETIRE;
            s.pending = null;
            s.pendingCommandUuid = null;
            s.pendingSince = null;
            e.put("retired", true);
            if (events != null) {
                events.emit("device.retired", d.id, "enrollment", s.enrollments);
            }
        }
        s.record(e);
    }

    /** The profile the device enrolled with, null if none was known at Authenticate. */
    static EnrollmentProfile snapshot(DeviceRecord d) {
        return d.life.snapshot == null ? null : d.life.snapshot.profile();
    }

    /**
     * The name of the enrollment profile the device enrolled with (seeds: "You can use the profile name to define the
     * enrollmentProfileName parameter to assign devices with this enrollment profile"); null without one.
     */
    public static String enrollmentProfileName(DeviceRecord d) {
        EnrollmentProfile p = snapshot(d);
        return p == null ? null : p.name();
    }

    /** The DEP token the device's enrollment profile came from, null without one. */
    public static String enrollmentToken(DeviceRecord d) {
        return d.life.snapshot == null ? null : d.life.snapshot.token();
    }

    // ---- wipe and retire (admin API) ----------------------------------------------------------------------------

    /**
     * What asking for a wipe or retire answers: the command queued for it, the profile a retire removes
     * ({@code identifier}, only for a retire) and how the device was pushed.
     */
    public record Requested(String udid, String action, String commandUuid, String requestType,
            @JsonInclude(JsonInclude.Include.NON_NULL) String identifier, String push) {
    }

    /** Wipe: EraseDevice queued and a push; the device erases itself and enrolls again through Setup Assistant. */
    public Requested wipe(String udid) {
        return act(udid, Action.WIPE);
    }

    /**
     * Retire: RemoveProfile of the enrollment profile and a push; the device sends CheckOut and is unmanaged until
     * its user erases it and enrolls again.
     */
    public Requested retire(String udid) {
        return act(udid, Action.RETIRE);
    }

    private Requested act(String udid, Action action) {
        DeviceRecord d = registry.find(udid).orElseThrow(() -> HttpError.notFound("device " + udid
                + " is unknown (see GET /admin/devices)"));
        String verb = action == Action.WIPE ? "wiped" : "retired";
        String uuid = mdm.newCommandUuid();
        Command command = action == Action.WIPE ? Commands.eraseDevice(uuid)
                : Commands.removeProfile(uuid, ENROLLMENT_PROFILE_IDENTIFIER);
        Instant now = clock.now();
        d.lock();
        try {
            switch (d.state) {
                case ENROLLING -> throw HttpError.conflict("device " + udid + " is not enrolled: it authenticated at "
                        + d.authenticatedAt + " but sent no TokenUpdate yet (expected: an enrolled device,"
                        + " enrollmentState ENROLLED or CONFIGURED)");
                case CHECKED_OUT -> throw HttpError.conflict("device " + udid + " is not enrolled: it checked out at "
                        + d.checkedOutAt + (d.life.retiredAt != null ? " (retired)" : "") + "; it cannot be " + verb
                        + " until it enrolls again through Setup Assistant after a factory reset");
                default -> { }
            }
            Optional<String> busy = pendingRefusal(d);
            if (busy.isPresent()) {
                throw HttpError.conflict("device " + udid + " cannot be " + verb + " now: " + busy.get());
            }
            d.commands.enqueue(command.commandUuid(), command.requestType(), command.toXml(), now);
            d.life.pending = action;
            d.life.pendingCommandUuid = uuid;
            d.life.pendingSince = now;
            if (action == Action.WIPE) {
                d.life.wipes++;
                d.life.lastAction = Action.WIPE;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("enrollment", d.life.enrollments);
            e.put("at", now.toString());
            e.put("event", action == Action.WIPE ? "wipe requested" : "retire requested");
            e.put("commandUuid", uuid);
            d.life.record(e);
        } finally {
            d.unlock();
        }
        events.emit("command", udid, "event", "queued", "commandUuid", uuid, "requestType", command.requestType());
        PushService.Outcome push = pushes.push(udid, command.requestType() + " queued (" + action.name()
                .toLowerCase(Locale.ROOT) + ")");
        String pushWord = push.name().toLowerCase(Locale.ROOT).replace('_', '-');
        events.emit("device." + action.name().toLowerCase(Locale.ROOT) + ".requested", udid, "commandUuid", uuid,
                "push", pushWord);
        Requested out = new Requested(udid, action.name().toLowerCase(Locale.ROOT), uuid, command.requestType(),
                action == Action.RETIRE ? ENROLLMENT_PROFILE_IDENTIFIER : null, pushWord);
        return out;
    }

    /** Why a wipe or retire cannot be asked for now (one is under way), empty if it can. Device lock held. */
    private static Optional<String> pendingRefusal(DeviceRecord d) {
        LifecycleState s = d.life;
        if (s.pending == null) {
            return Optional.empty();
        }
        CommandQueue.Entry e = d.commands.get(s.pendingCommandUuid).orElse(null);
        String what = s.pending == Action.WIPE ? "a wipe (EraseDevice " : "a retire (RemoveProfile ";
        if (e == null || !e.state().isTerminal()) {
            return Optional.of(what + s.pendingCommandUuid + ") was queued at " + s.pendingSince
                    + " and is " + (e == null ? "unknown" : e.state().name()) + " (see GET /admin/devices/" + d.id
                    + "/commands/" + s.pendingCommandUuid + ")");
        }
        if (e.state() == CommandState.ACKNOWLEDGED) {
            return Optional.of(what + s.pendingCommandUuid + ") was acknowledged at " + e.view().completedAt()
                    + (s.pending == Action.WIPE ? "; the device is erasing and enrolls again through Setup Assistant"
                    : "; the device is leaving management (CheckOut)"));
        }
        // the device refused or the command ended otherwise: a new request may be made
        s.pending = null;
        s.pendingCommandUuid = null;
        s.pendingSince = null;
        return Optional.empty();
    }

    /**
     * The lifecycle part of {@code GET /admin/devices/{udid}}: the management state, how many enrollments, wipes and
     * retires, the wipe or retire in progress and the enrollment profile's snapshot (each only when there is one), the
     * history.
     */
    public record View(String management, int enrollments, int wipes, int retires, String retiredAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) Pending pending,
            @JsonInclude(JsonInclude.Include.NON_NULL) Snapshot enrollmentProfile, List<Map<String, Object>> history) {
    }

    /** The wipe or retire asked for, its command and (while the queue knows it) the command's state. */
    public record Pending(String action, String commandUuid, String since,
            @JsonInclude(JsonInclude.Include.NON_NULL) String commandState) {
    }

    /** The enrollment profile as it was when the device enrolled. */
    public record Snapshot(String token, String profileUuid, int revision, String takenAt, EnrollmentProfile profile) {
    }

    /** The lifecycle view of a device. Device lock held. */
    public static View view(DeviceRecord d) {
        LifecycleState s = d.life;
        Pending pending = s.pending == null ? null : new Pending(s.pending.name().toLowerCase(Locale.ROOT),
                s.pendingCommandUuid, s.pendingSince.toString(),
                d.commands.get(s.pendingCommandUuid).map(e -> e.state().name()).orElse(null));
        Snapshot snapshot = s.snapshot == null ? null : new Snapshot(s.snapshot.token(), s.snapshot.profileUuid(),
                s.snapshot.revision(), s.snapshotAt == null ? null : s.snapshotAt.toString(), s.snapshot.profile());
        return new View(management(d), s.enrollments, s.wipes, s.retires,
                s.retiredAt == null ? null : s.retiredAt.toString(), pending, snapshot, List.copyOf(s.history));
    }

    /** How many times the device enrolled. Device lock held. */
    public static int enrollments(DeviceRecord d) {
        return d.life.enrollments;
    }

    /** {@link #management(DeviceRecord)} of the device {@code udid}, read under its lock; empty when unknown. */
    public static Optional<String> management(DeviceRegistry registry, String udid) {
        return registry.find(udid).map(d -> {
            d.lock();
            try {
                return management(d);
            } finally {
                d.unlock();
            }
        });
    }

    /** MANAGED, WIPE_PENDING, WIPING, RETIRE_PENDING, RETIRED, CHECKED_OUT or ENROLLING. Device lock held. */
    public static String management(DeviceRecord d) {
        LifecycleState s = d.life;
        if (d.state == EnrollmentState.CHECKED_OUT) {
            return s.retiredAt != null ? "RETIRED" : "CHECKED_OUT";
        }
        if (s.pending != null) {
            CommandQueue.Entry e = d.commands.get(s.pendingCommandUuid).orElse(null);
            boolean acked = e != null && e.state() == CommandState.ACKNOWLEDGED;
            return s.pending == Action.WIPE ? (acked ? "WIPING" : "WIPE_PENDING") : "RETIRE_PENDING";
        }
        return d.state == EnrollmentState.ENROLLING ? "ENROLLING" : "MANAGED";
    }
}
