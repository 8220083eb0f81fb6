package io.mdmsim.mdm.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.DeviceView;
import io.mdmsim.mdm.queue.CommandView;
import io.mdmsim.mdm.reference.DeviceLifecycle;
import io.mdmsim.mdm.reference.PortalView;
import io.mdmsim.mdm.signin.SetupAssistantSignIn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the admin API answers about devices and commands, as records that Jackson writes in component order (times as
 * ISO-8601 text, null when not yet; docs/mdm-endpoint.md describes the fields).
 */
final class AdminViews {

    private AdminViews() {}

    /** The fields every device view starts with. */
    record DeviceFields(String udid, String serialNumber, String productName, String osVersion, String buildVersion,
            String deviceName, String enrollmentState, boolean awaitingConfiguration, String authenticatedAt,
            String enrolledAt, String configuredAt, Long heldSeconds, String checkedOutAt, String lastSeenAt,
            int pendingCommands, boolean pushable, String pushUnregisteredAt, String lastPushAt,
            String lastPushResult) {

        static DeviceFields of(DeviceView v) {
            return new DeviceFields(v.udid(), v.serialNumber(), v.productName(), v.osVersion(), v.buildVersion(),
                    v.deviceName(), v.enrollmentState().name(), v.awaitingConfiguration(), str(v.authenticatedAt()),
                    str(v.enrolledAt()), str(v.configuredAt()),
                    // await final configuration: how long the device was held (the seeds' "Awaiting final configuration")
                    v.enrolledAt() == null || v.configuredAt() == null ? null
                            : Duration.between(v.enrolledAt(), v.configuredAt()).toSeconds(),
                    str(v.checkedOutAt()), str(v.lastSeenAt()), v.pendingCommands(),
                    v.hasPushToken() && v.pushUnregisteredAt() == null, str(v.pushUnregisteredAt()),
                    str(v.lastPushAt()), v.lastPushResult());
        }
    }

    /** A device of {@code GET /admin/devices}: its fields, its management state and its enrollment profile's name. */
    record ListedDevice(@JsonUnwrapped DeviceFields device, String management, int enrollments,
            String enrollmentProfileName) {

        /** Reads the record under its lock. */
        static ListedDevice of(DeviceView v, DeviceRecord d) {
            return d.read(r -> new ListedDevice(DeviceFields.of(v), DeviceLifecycle.management(r),
                    DeviceLifecycle.enrollments(r), DeviceLifecycle.enrollmentProfileName(r)));
        }
    }

    /**
     * {@code GET /admin/devices/{udid}}: the device's fields, then its users and query answers, declarative status,
     * lifecycle, Company Portal and Single App Mode ({@link PortalView}), who signed in at Setup Assistant, its
     * registration and its token's scope tags.
     */
    record DeviceDetail(@JsonUnwrapped DeviceFields device, boolean hasBootstrapToken,
            List<DeviceRecord.UserChannel> users, String declarativeStatusAt, Map<String, Object> queryResponses,
            Object declarativeStatus, DeviceLifecycle.View lifecycle, String enrollmentProfileName,
            @JsonUnwrapped PortalView portal, SetupAssistantSignIn.SignedIn enrollmentUser,
            PortalView.Registration registration, List<String> scopeTags) {
    }

    /** A command of {@code GET /admin/devices/{udid}/commands}; {@code note} only when there is one. */
    record CommandEntry(String commandUuid, String requestType, String state, String status, Object result,
            String queuedAt, String sentAt, String completedAt, int timesSent,
            @JsonInclude(JsonInclude.Include.NON_NULL) String note) {

        static CommandEntry of(CommandView v) {
            return new CommandEntry(v.commandUuid(), v.requestType(), v.state().name(), v.status(), v.result(),
                    str(v.queuedAt()), str(v.sentAt()), str(v.completedAt()), v.timesSent(), v.note());
        }
    }

    /** What queuing a command answers; {@code push} only when the device was pushed. */
    record QueuedCommand(String commandUuid, String requestType,
            @JsonInclude(JsonInclude.Include.NON_NULL) String push) {
    }

    /** What {@code POST /admin/devices/{udid}/push} answers. */
    record Pushed(String udid, String push) {
    }

    /** What changing the declarations answers: the whole set and its new sync tokens. */
    record Declarations(List<Object> declarations, Object syncTokens) {
    }

    /** {@code GET /admin/clock}. */
    record ClockView(String now, String mode) {
    }

    static String str(Instant t) {
        return t == null ? null : t.toString();
    }
}
