package io.mdmsim.device.model;

import io.mdmsim.core.protocol.ErrorChainItem;

/**
 * The ErrorChain items a device reports (Apple's "Sending MDM commands to a device"). Domains and codes follow what iOS
 * reports: the MCMDMErrorDomain table of Apple's MDM Protocol Reference (12000 range), MCProfileErrorDomain (1000
 * range) for profiles it cannot read, MCSCEPErrorDomain 22013 for a SCEP server it cannot use. Refusals that table has
 * no code for (supervision, ADE, channel, unmanaged app, a command mdmsim does not simulate) use mdmsim's own
 * MCMDMErrorDomain codes 12070..12079. LocalizedDescription says what was wrong and what was expected;
 * USEnglishDescription is the same text.
 */
public final class DeviceErrors {

    public static final String MDM = "MCMDMErrorDomain";
    public static final String PROFILE = "MCProfileErrorDomain";
    public static final String INSTALLATION = "MCInstallationErrorDomain";
    public static final String SCEP = "MCSCEPErrorDomain";

    public static final int MULTIPLE_MDM = 12001;
    public static final int NOT_AUTHORIZED = 12007;
    public static final int MALFORMED_REQUEST = 12008;
    public static final int PROFILE_NOT_MANAGED = 12013;
    public static final int MISSING_REQUIRED_FIELD = 12016;
    public static final int UNKNOWN_REQUEST_TYPE = CommandReply.UNKNOWN_COMMAND_CODE;
    public static final int APP_ALREADY_INSTALLED = 12024;
    public static final int NOT_SUPERVISED = 12070;
    public static final int NOT_ENROLLED_VIA_DEP = 12071;
    public static final int NOT_ON_THIS_CHANNEL = 12072;
    public static final int APP_NOT_MANAGED = 12073;
    public static final int NOT_SIMULATED = 12079;
    public static final int MALFORMED_PROFILE = 1000;
    public static final int PROFILE_MISSING_FIELD = 1002;
    public static final int PROFILE_BAD_SIGNATURE = 1004;
    public static final int PROFILE_DUPLICATE_UUID = 1007;
    public static final int PROFILE_EMPTY = 1005;
    public static final int PROFILE_CANNOT_DECRYPT = 1006;
    public static final int PROFILE_NOT_FOUND = 1009;
    public static final int PROFILE_UNSUPPORTED_VALUE = 1010;
    public static final int INSTALL_FAILED = 4001;
    public static final int REMOVAL_NOT_ALLOWED = 4009;
    public static final int SCEP_INVALID_RESPONSE = 22013;

    private DeviceErrors() {
    }

    public static ErrorChainItem item(int code, String domain, String description) {
        return new ErrorChainItem(code, domain, description, description);
    }

    public static CommandReply error(int code, String domain, String description) {
        return CommandReply.error(item(code, domain, description));
    }
}
