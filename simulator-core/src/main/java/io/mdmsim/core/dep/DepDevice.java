package io.mdmsim.core.dep;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/**
 * A device as the DEP API lists it (ADS {@code Device.json}, Apple's "Get a List of Devices"). Required: serial number
 * and model. {@code opType}/{@code opDate} only in sync responses, {@code responseStatus} only in device details.
 *
 * @param os           iOS, iPadOS, OSX, tvOS or visionOS (protocol version 2+)
 * @param deviceFamily iPad, iPhone, iPod, Mac, AppleTV or Vision (protocol version 2+)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DepDevice(String serialNumber, String model, String description, String color, String assetTag,
        String os, String deviceFamily, ProfileStatus profileStatus, String profileUuid, Instant profileAssignTime,
        Instant profilePushTime, Instant deviceAssignedDate, String deviceAssignedBy, Instant mdmMigrationDeadline,
        OpType opType, Instant opDate, String responseStatus) {

    public DepDevice {
        requireNonNull(serialNumber, "serialNumber");
        requireNonNull(model, "model");
    }

    public static Builder builder(String serialNumber, String model) {
        return new Builder().serialNumber(serialNumber).model(model);
    }

    public Builder toBuilder() {
        return new Builder().serialNumber(serialNumber).model(model).description(description).color(color)
                .assetTag(assetTag).os(os).deviceFamily(deviceFamily).profileStatus(profileStatus)
                .profileUuid(profileUuid).profileAssignTime(profileAssignTime).profilePushTime(profilePushTime)
                .deviceAssignedDate(deviceAssignedDate).deviceAssignedBy(deviceAssignedBy)
                .mdmMigrationDeadline(mdmMigrationDeadline).opType(opType).opDate(opDate)
                .responseStatus(responseStatus);
    }

    /** This device as a sync record: the same fields plus what happened and when. */
    public DepDevice withOp(OpType type, Instant date) {
        return toBuilder().opType(type).opDate(date).build();
    }

    public static final class Builder {
        private String serialNumber;
        private String model;
        private String description;
        private String color;
        private String assetTag;
        private String os;
        private String deviceFamily;
        private ProfileStatus profileStatus;
        private String profileUuid;
        private Instant profileAssignTime;
        private Instant profilePushTime;
        private Instant deviceAssignedDate;
        private String deviceAssignedBy;
        private Instant mdmMigrationDeadline;
        private OpType opType;
        private Instant opDate;
        private String responseStatus;

        private Builder() {
        }

        public Builder serialNumber(String v) { serialNumber = v; return this; }
        public Builder model(String v) { model = v; return this; }
        public Builder description(String v) { description = v; return this; }
        public Builder color(String v) { color = v; return this; }
        public Builder assetTag(String v) { assetTag = v; return this; }
        public Builder os(String v) { os = v; return this; }
        public Builder deviceFamily(String v) { deviceFamily = v; return this; }
        public Builder profileStatus(ProfileStatus v) { profileStatus = v; return this; }
        public Builder profileUuid(String v) { profileUuid = v; return this; }
        public Builder profileAssignTime(Instant v) { profileAssignTime = v; return this; }
        public Builder profilePushTime(Instant v) { profilePushTime = v; return this; }
        public Builder deviceAssignedDate(Instant v) { deviceAssignedDate = v; return this; }
        public Builder deviceAssignedBy(String v) { deviceAssignedBy = v; return this; }
        public Builder mdmMigrationDeadline(Instant v) { mdmMigrationDeadline = v; return this; }
        public Builder opType(OpType v) { opType = v; return this; }
        public Builder opDate(Instant v) { opDate = v; return this; }
        public Builder responseStatus(String v) { responseStatus = v; return this; }

        public DepDevice build() {
            return new DepDevice(serialNumber, model, description, color, assetTag, os, deviceFamily, profileStatus,
                    profileUuid, profileAssignTime, profilePushTime, deviceAssignedDate, deviceAssignedBy,
                    mdmMigrationDeadline, opType, opDate, responseStatus);
        }
    }
}
