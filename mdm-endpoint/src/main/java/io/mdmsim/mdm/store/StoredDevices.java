package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Device enrollments and their commands. A device is written as a whole (its record as JSON, with a few columns
 * for reading it from outside); its commands are written one by one as they change, in the same transaction as the
 * device, so a queue and the device it belongs to never disagree on disk.
 */
public interface StoredDevices {

    /**
     * One enrollment.
     *
     * @param enrollmentId UDID, or EnrollmentID of a user enrollment
     * @param serialNumber as the device last said (may be null)
     * @param enrollmentState ENROLLING, ENROLLED, CONFIGURED or CHECKED_OUT
     * @param lastSeenAt the last request of the device (may be null)
     * @param json the whole record, as the device package writes it
     */
    record Device(String enrollmentId, String serialNumber, String enrollmentState, Instant lastSeenAt, String json) {
        public Device {
            requireNonNull(enrollmentId, "enrollmentId");
            requireNonNull(enrollmentState, "enrollmentState");
            requireNonNull(json, "json");
        }
    }

    /**
     * One command of an enrollment's queue or history.
     *
     * @param seq its place in the queue (0, 1, 2 ... per enrollment, in the order it was queued)
     * @param state QUEUED, SENT, NOT_NOW, ACKNOWLEDGED, ERROR, COMMAND_FORMAT_ERROR or CANCELED
     * @param status the last Status the device reported (wire value), null before any report
     * @param resultJson the result of the final report as JSON, null if none
     * @param note why the server ended it (CANCELED), null otherwise
     * @param plist the command plist as sent to the device
     */
    record Command(String enrollmentId, long seq, String commandUuid, String requestType, String state, String status,
            Instant queuedAt, Instant sentAt, Instant completedAt, int timesSent, String resultJson, String note,
            byte[] plist) {
        public Command {
            requireNonNull(enrollmentId, "enrollmentId");
            requireNonNull(commandUuid, "commandUuid");
            requireNonNull(requestType, "requestType");
            requireNonNull(state, "state");
            requireNonNull(queuedAt, "queuedAt");
            requireNonNull(plist, "plist");
            if (seq < 0) {
                throw new IllegalArgumentException("seq: " + seq + " (expected: >= 0)");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Command c && seq == c.seq && timesSent == c.timesSent
                    && enrollmentId.equals(c.enrollmentId) && commandUuid.equals(c.commandUuid)
                    && requestType.equals(c.requestType) && state.equals(c.state) && Objects.equals(status, c.status)
                    && queuedAt.equals(c.queuedAt) && Objects.equals(sentAt, c.sentAt)
                    && Objects.equals(completedAt, c.completedAt) && Objects.equals(resultJson, c.resultJson)
                    && Objects.equals(note, c.note) && Arrays.equals(plist, c.plist);
        }

        @Override
        public int hashCode() {
            return Objects.hash(enrollmentId, commandUuid, seq, state);
        }

        @Override
        public String toString() {
            return "Command[" + enrollmentId + " #" + seq + " " + commandUuid + " " + requestType + " " + state + "]";
        }
    }

    /** A device as loaded, with its commands in queue order. */
    record Loaded(Device device, List<Command> commands) {
        public Loaded {
            requireNonNull(device, "device");
            commands = List.copyOf(commands);
        }
    }

    /**
     * Writes a device and the commands of it that changed (each replaces the stored command of the same UUID), in
     * one transaction; durable on return.
     *
     * @throws IllegalArgumentException if a command belongs to another enrollment
     */
    void save(Device device, List<Command> changedCommands);

    /** Every device with its commands, devices by enrollment ID, commands by {@code seq}. */
    List<Loaded> loadAll();

    /** How many devices are stored. */
    int count();
}
