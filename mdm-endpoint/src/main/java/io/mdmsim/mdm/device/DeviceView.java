package io.mdmsim.mdm.device;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A snapshot of one device for {@code GET /admin/devices}. */
public record DeviceView(String udid, String serialNumber, String productName, String osVersion, String buildVersion,
        String deviceName, EnrollmentState enrollmentState, boolean awaitingConfiguration, Instant authenticatedAt,
        Instant enrolledAt, Instant configuredAt, Instant checkedOutAt, Instant lastSeenAt, boolean hasPushToken,
        int pendingCommands, Instant pushUnregisteredAt, Instant lastPushAt, String lastPushResult,
        boolean hasBootstrapToken, List<DeviceRecord.UserChannel> users, Instant declarativeStatusAt,
        Map<String, Object> queryResponses) {}
