package io.mdmsim.mdm.model;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.mdm.MdmConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A 403 body of ADM {@code mdm/errors/}: {@code code}, optional {@code description} (for the device's logs) and
 * {@code message} (for its user), and {@code details} where the code has them. Written as JSON or as an XML plist,
 * with the Content-Type that says which (the YAMLs require it).
 */
public record DeviceError(String code, String description, String message, Map<String, Object> details) {

    static final String UNRECOGNIZED_DEVICE = "com.apple.unrecognized.device";
    static final String SOFTWARE_UPDATE_REQUIRED = "com.apple.softwareupdate.required";

    public DeviceError {
        requireNonNull(code, "code");
        details = details == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** {@code unrecognized.device.yaml}: the device unenrolls (or, at enrollment, stops). */
    public static DeviceError unrecognized(String description, String message) {
        return new DeviceError(UNRECOGNIZED_DEVICE, description, message, null);
    }

    /** {@code softwareupdate.required.yaml}: the device updates to {@code osVersion} and enrolls again. */
    public static DeviceError softwareUpdateRequired(String osVersion, String buildVersion, String description) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("OSVersion", requireNonNull(osVersion, "osVersion"));
        if (buildVersion != null) {
            details.put("BuildVersion", buildVersion);
        }
        return new DeviceError(SOFTWARE_UPDATE_REQUIRED, description,
                "This device needs a software update to " + osVersion + " before it can enroll.", details);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        if (description != null) {
            m.put("description", description);
        }
        if (message != null) {
            m.put("message", message);
        }
        if (details != null) {
            m.put("details", details);
        }
        return m;
    }

    public HttpResponse toResponse(MdmConfig.ErrorBodyFormat format) {
        return switch (format) {
            case JSON -> HttpResponse.of(403, Json.write(toMap()), HttpResponse.APPLICATION_JSON);
            case PLIST -> HttpResponse.of(403, Plist.toXml(Plist.wrap(toMap())), "application/xml");
        };
    }
}
