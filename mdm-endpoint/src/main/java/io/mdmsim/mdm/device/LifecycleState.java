package io.mdmsim.mdm.device;

import io.mdmsim.mdm.dep.DepTokenService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A device's lifecycle with the reference MDM across enrollments (read and written by {@code
 * reference.DeviceLifecycle}): the profile snapshot, enrollment count, wipes and retires, the pending action and the
 * history. Kept on the {@link DeviceRecord} and guarded by its lock.
 */
public final class LifecycleState {

    /** How many history entries are kept, oldest dropped first. */
    public static final int MAX_HISTORY = 50;

    /** What the MDM asked of the device. */
    public enum Action { WIPE, RETIRE }

    /** The profile the device enrolled with (null: none known then); taken at each Authenticate. */
    public DepTokenService.ProfileRef snapshot;
    public Instant snapshotAt;
    public int enrollments;
    public int wipes;
    public int retires;
    /** The last wipe or retire asked for, its command, when; cleared by the next Authenticate. */
    public Action pending;
    public String pendingCommandUuid;
    public Instant pendingSince;
    /** The device checked out after a retire. */
    public Instant retiredAt;
    public Action lastAction;
    public final List<Map<String, Object>> history = new ArrayList<>();

    public void record(Map<String, Object> entry) {
        history.add(entry);
        if (history.size() > MAX_HISTORY) {
            history.removeFirst();
        }
    }
}
