package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;

/**
 * One entry of a report's {@code ErrorChain}: ErrorCode, ErrorDomain, LocalizedDescription, USEnglishDescription
 * (AppleDoc: sending-mdm-commands-to-a-device). The descriptions may be null.
 */
public record ErrorChainItem(int errorCode, String errorDomain, String localizedDescription,
        String usEnglishDescription) {

    public ErrorChainItem {
        requireNonNull(errorDomain, "errorDomain");
    }

    /** An item whose localized and US English descriptions are both {@code description}. */
    public static ErrorChainItem of(int errorCode, String errorDomain, String description) {
        return new ErrorChainItem(errorCode, errorDomain, description, description);
    }

    public NSDictionary toDictionary() {
        NSDictionary d = new NSDictionary();
        d.put("ErrorCode", errorCode);
        d.put("ErrorDomain", errorDomain);
        if (localizedDescription != null) {
            d.put("LocalizedDescription", localizedDescription);
        }
        if (usEnglishDescription != null) {
            d.put("USEnglishDescription", usEnglishDescription);
        }
        return d;
    }

    static ErrorChainItem read(Fields f) {
        return new ErrorChainItem(f.requiredInt("ErrorCode"), f.requiredString("ErrorDomain"),
                f.string("LocalizedDescription"), f.string("USEnglishDescription"));
    }
}
