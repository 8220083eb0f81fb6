package io.mdmsim.mdm.queue;

import java.time.Instant;

/**
 * A snapshot of one command for {@code GET /admin/devices/{udid}/commands}.
 *
 * @param status the last Status the device reported for it (wire value), null before any report
 * @param result the result keys of the final report (plist converted to JSON values), null if none
 * @param note why the server ended it, for CANCELED
 */
public record CommandView(String commandUuid, String requestType, CommandState state, String status, Instant queuedAt,
        Instant sentAt, Instant completedAt, int timesSent, Object result, String note) {}
