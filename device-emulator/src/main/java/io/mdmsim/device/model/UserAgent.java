package io.mdmsim.device.model;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The User-Agent a virtual device sends before it is enrolled (docs/DESIGN.md "Device identity before MachineInfo"): Safari's, naming the device family and
 * its OS version with underscores, so an MDM can tell iOS from iPadOS by the User-Agent alone, e.g.
 * {@code Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148}
 * and {@code Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) ...}.
 */
public final class UserAgent {

    private static final String TAIL = " AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";

    private UserAgent() {
    }

    /**
     * The User-Agent of a device of this product type ("iPhone15,2", "iPad13,1"; anything not starting with "iPad"
     * is taken as an iPhone) running {@code osVersion} ("17.5").
     */
    public static String of(String productType, String osVersion) {
        boolean ipad = productType != null && productType.toLowerCase(Locale.ROOT).startsWith("ipad");
        String v = osVersion == null || osVersion.isBlank() ? "0" : osVersion.strip().replace('.', '_');
        return ipad ? "Mozilla/5.0 (iPad; CPU OS " + v + " like Mac OS X)" + TAIL
                : "Mozilla/5.0 (iPhone; CPU iPhone OS " + v + " like Mac OS X)" + TAIL;
    }

    /** The User-Agent of this device. */
    public static String of(Device d) {
        return of(d.spec().productType(), d.spec().osVersion());
    }

    /** A mutable copy of {@code headers} with this device's User-Agent added. */
    public static Map<String, String> with(Device d, Map<String, String> headers) {
        Map<String, String> m = new HashMap<>(headers);
        m.put("User-Agent", of(d));
        return m;
    }
}
