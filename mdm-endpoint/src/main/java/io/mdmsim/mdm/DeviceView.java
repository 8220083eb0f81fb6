package io.mdmsim.mdm;

import java.time.Instant;

/** A snapshot of one device for {@code GET /admin/devices}. */
record DeviceView(String udid, String serialNumber, String productName, String osVersion, String buildVersion,
        String deviceName, EnrollmentState enrollmentState, boolean awaitingConfiguration, Instant authenticatedAt,
        Instant enrolledAt, Instant configuredAt, Instant checkedOutAt, Instant lastSeenAt, boolean hasPushToken,
        int pendingCommands) {}
