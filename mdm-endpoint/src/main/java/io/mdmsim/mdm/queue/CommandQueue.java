package io.mdmsim.mdm.queue;

import static java.util.Objects.requireNonNull;

import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.store.StoredDevices;
import io.mdmsim.mdm.store.StoredJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * The commands of one enrollment, in queue order, with their whole history. Not thread-safe: the owner
 * ({@link DeviceRecord}) serialises access. Rules (AppleDoc:sending-mdm-commands-to-a-device,
 * AppleDoc:handling-notnow-status-responses):
 * <ul>
 * <li>the next command is the oldest one not yet in a terminal state; a command sent but not reported is sent again;</li>
 * <li>after a NotNow report, commands the device deferred are skipped until it polls Idle again;</li>
 * <li>the first terminal result of a command wins; a repeat of it is harmless, a different one is ignored.</li>
 * </ul>
 * The queue remembers which commands changed since it was last stored ({@link #changes}, {@link #stored}) and is
 * rebuilt from stored commands with {@link #restore}.
 */
public final class CommandQueue {

    /** What a report did to the queue. */
    public enum ReportOutcome {
        /** The command reached its terminal state with this report. */
        COMPLETED,
        /** The command was already in this terminal state (a repeated report). */
        REPEATED,
        /** The command was already in another terminal state; the report was ignored. */
        CONFLICTING,
        /** NotNow: the command stays queued. */
        DEFERRED,
        /** NotNow for a command that is already complete; ignored. */
        LATE,
        /** No command with that CommandUUID was ever queued for this enrollment. */
        UNKNOWN
    }

    /** A command in the queue or its history. Mutable; only {@link CommandQueue} changes it. */
    public static final class Entry {
        private final long seq;
        private final String commandUuid;
        private final String requestType;
        private final byte[] plist;
        private final Instant queuedAt;
        private CommandState state = CommandState.QUEUED;
        private String lastStatus;
        private Instant sentAt;
        private Instant completedAt;
        private int timesSent;
        private Object result;
        private String note;

        private Entry(long seq, String commandUuid, String requestType, byte[] plist, Instant queuedAt) {
            this.seq = seq;
            this.commandUuid = commandUuid;
            this.requestType = requestType;
            this.plist = plist;
            this.queuedAt = queuedAt;
        }

        public String commandUuid() { return commandUuid; }
        public String requestType() { return requestType; }
        /** The command plist as sent to the device ({CommandUUID, Command: {RequestType, ...}}). */
        public byte[] plist() { return plist; }
        public CommandState state() { return state; }
        Instant queuedAt() { return queuedAt; }
        Object result() { return result; }

        public CommandView view() {
            return new CommandView(commandUuid, requestType, state, lastStatus, queuedAt, sentAt, completedAt, timesSent,
                    result, note);
        }
    }

    private final Map<String, Entry> all = new LinkedHashMap<>();
    private final SequencedSet<String> pending = new LinkedHashSet<>();
    /** Commands changed since the queue was last stored. */
    private final SequencedSet<Entry> changed = new LinkedHashSet<>();

    public Entry enqueue(String commandUuid, String requestType, byte[] plist, Instant now) {
        requireNonNull(commandUuid, "commandUuid");
        requireNonNull(requestType, "requestType");
        requireNonNull(plist, "plist");
        requireNonNull(now, "now");
        if (all.containsKey(commandUuid)) {
            throw new IllegalArgumentException("commandUuid: " + commandUuid + " is already queued (expected: a new UUID)");
        }
        Entry e = new Entry(all.size(), commandUuid, requestType, plist, now);
        all.put(commandUuid, e);
        pending.add(commandUuid);
        changed.add(e);
        return e;
    }

    /**
     * The command to send now, marked SENT, or empty when nothing is due.
     *
     * @param skipNotNow true when answering a NotNow report: deferred commands wait for the next Idle
     */
    public Optional<Entry> next(boolean skipNotNow, Instant now) {
        for (String uuid : pending) {
            Entry e = all.get(uuid);
            if (skipNotNow && e.state == CommandState.NOT_NOW) {
                continue;
            }
            e.state = CommandState.SENT;
            e.sentAt = now;
            e.timesSent++;
            changed.add(e);
            return Optional.of(e);
        }
        return Optional.empty();
    }

    /**
     * Records a device report for {@code commandUuid}.
     *
     * @param reported one of ACKNOWLEDGED, ERROR, COMMAND_FORMAT_ERROR, NOT_NOW
     * @param wireStatus the Status string as the device sent it
     * @param result what to keep as the command's result (JSON-friendly), may be null
     */
    public ReportOutcome report(String commandUuid, CommandState reported, String wireStatus, Object result, Instant now) {
        requireNonNull(reported, "reported");
        if (reported == CommandState.QUEUED || reported == CommandState.SENT || reported == CommandState.CANCELED) {
            throw new IllegalArgumentException("reported: " + reported
                    + " (expected: ACKNOWLEDGED, ERROR, COMMAND_FORMAT_ERROR or NOT_NOW)");
        }
        Entry e = commandUuid == null ? null : all.get(commandUuid);
        if (e == null) {
            return ReportOutcome.UNKNOWN;
        }
        if (e.state.isTerminal()) {
            if (reported == CommandState.NOT_NOW) {
                return ReportOutcome.LATE;
            }
            return e.state == reported ? ReportOutcome.REPEATED : ReportOutcome.CONFLICTING;
        }
        e.lastStatus = wireStatus;
        changed.add(e);
        if (reported == CommandState.NOT_NOW) {
            e.state = CommandState.NOT_NOW;
            return ReportOutcome.DEFERRED;
        }
        e.state = reported;
        e.completedAt = now;
        e.result = result;
        pending.remove(commandUuid);
        return ReportOutcome.COMPLETED;
    }

    /** Ends every pending command in CANCELED (a re-enrolled or checked-out device will never report them). */
    public int cancelPending(String reason, Instant now) {
        int n = 0;
        for (String uuid : pending) {
            Entry e = all.get(uuid);
            e.state = CommandState.CANCELED;
            e.completedAt = now;
            e.note = reason;
            changed.add(e);
            n++;
        }
        pending.clear();
        return n;
    }

    /** The commands changed since {@link #stored()} was last called, as the store keeps them, in queue order. */
    public List<StoredDevices.Command> changes(String enrollmentId) {
        if (changed.isEmpty()) {
            return List.of();
        }
        List<StoredDevices.Command> out = new ArrayList<>(changed.size());
        for (Entry e : changed) {
            out.add(new StoredDevices.Command(enrollmentId, e.seq, e.commandUuid, e.requestType, e.state.name(),
                    e.lastStatus, e.queuedAt, e.sentAt, e.completedAt, e.timesSent,
                    e.result == null ? null : StoredJson.write(e.result), e.note, e.plist));
        }
        return out;
    }

    /** The changes were written to the store. */
    public void stored() {
        changed.clear();
    }

    /**
     * Rebuilds the queue from stored commands (in {@code seq} order): the commands not in a terminal state are
     * pending again, in the order they were queued.
     *
     * @throws IllegalStateException if the queue is not empty
     */
    public void restore(List<StoredDevices.Command> commands) {
        if (!all.isEmpty()) {
            throw new IllegalStateException("restore into a queue of " + all.size() + " commands (expected: empty)");
        }
        for (StoredDevices.Command c : commands) {
            Entry e = new Entry(c.seq(), c.commandUuid(), c.requestType(), c.plist(), c.queuedAt());
            e.state = CommandState.valueOf(c.state());
            e.lastStatus = c.status();
            e.sentAt = c.sentAt();
            e.completedAt = c.completedAt();
            e.timesSent = c.timesSent();
            e.result = c.resultJson() == null ? null : StoredJson.read(c.resultJson(), Object.class);
            e.note = c.note();
            all.put(e.commandUuid, e);
            if (!e.state.isTerminal()) {
                pending.add(e.commandUuid);
            }
        }
    }

    public Optional<Entry> get(String commandUuid) {
        return Optional.ofNullable(all.get(commandUuid));
    }

    public int pendingCount() {
        return pending.size();
    }

    public List<CommandView> history() {
        List<CommandView> out = new ArrayList<>(all.size());
        for (Entry e : all.values()) {
            out.add(e.view());
        }
        return out;
    }
}
