package io.mdmsim.abm.state;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ProfileStatus;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where {@link AbmState} writes its changes so they survive a restart. The in-memory state stays the truth while
 * running; a store only receives each change set (in one transaction) and hands everything back at start.
 */
public interface AbmStore extends AutoCloseable {

    /** No persistence: state lives in memory only. */
    AbmStore NONE = new AbmStore() {
        @Override
        public void write(Changes changes) {
        }

        @Override
        public Snapshot load() {
            return Snapshot.EMPTY;
        }

        @Override
        public Map<String, String> meta() {
            return Map.of();
        }

        @Override
        public void putMeta(String key, String value) {
        }

        @Override
        public void close() {
        }
    };

    /** Writes one change set atomically. */
    void write(Changes changes);

    /** Everything stored, in the order it was written. */
    Snapshot load();

    /** Small settings the server keeps next to its state (seed, cursor secret, boot count, …). */
    Map<String, String> meta();

    void putMeta(String key, String value);

    @Override
    void close();

    record OrgRow(int index, FakeAbmConfig.Organization organization, boolean termsAccepted) {
    }

    record ServerRow(int index, String name, String uuid, X509Certificate certificate, int orgIndex,
            AbmState.OAuthKeys keys, long tokenGeneration, long releaseEndNanos, int devicesPerMinute,
            Instant cursorsValidFrom) {
    }

    /** A device's facts and state; {@code serverIndex} is -1 and the assignment fields null when unassigned. */
    record DeviceRow(int index, InventoryDevice device, int orgIndex, int serverIndex, long addSeq, Instant assignedAt,
            String assignedBy, String profileUuid, ProfileStatus profileStatus, Instant profileAssignTime,
            Instant profilePushTime, boolean released, boolean activationLocked, Instant migrationDeadline) {
    }

    record ProfileRow(int serverIndex, AbmProfile profile) {
    }

    /** One entry of an MDM server's change log: an added record (at its visibility time) or a later change. */
    record LogRow(long seq, int serverIndex, Instant at, String serialNumber, OpType op, boolean cancelled) {
    }

    record Changes(List<OrgRow> organizations, List<ServerRow> servers, List<DeviceRow> newDevices,
            List<DeviceRow> changedDevices, List<ProfileRow> profiles, List<LogRow> log, List<Long> cancelledSeqs,
            Instant lastNow) {
    }

    record Snapshot(List<OrgRow> organizations, List<ServerRow> servers, List<DeviceRow> devices,
            List<ProfileRow> profiles, List<LogRow> log, Instant lastNow) {
        static final Snapshot EMPTY = new Snapshot(List.of(), List.of(), List.of(), List.of(), List.of(), null);

        public boolean isEmpty() {
            return organizations.isEmpty();
        }
    }
}
