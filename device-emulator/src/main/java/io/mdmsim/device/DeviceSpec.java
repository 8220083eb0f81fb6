package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * What the factory knows about one virtual device before it is switched on: the same fields Apple Business Manager
 * lists for an assigned device. Everything else (UDID, IMEI, identity) is derived from the fleet seed.
 *
 * @param serialNumber  e.g. "F2LXK0PQHG7F"
 * @param productType   e.g. "iPhone15,2" or "iPad13,18"
 * @param model         ABM's marketing model name, e.g. "iPhone 14 Pro"
 * @param osVersion     e.g. "17.5.1"
 * @param buildVersion  e.g. "21F90"
 */
public record DeviceSpec(String serialNumber, String productType, String model, String osVersion, String buildVersion) {

    private static final Pattern PRODUCT_TYPE = Pattern.compile("[A-Za-z ]+\\d+,\\d+");
    private static final Pattern OS_VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}");

    public DeviceSpec {
        requireNonNull(serialNumber, "serialNumber");
        requireNonNull(productType, "productType");
        requireNonNull(model, "model");
        requireNonNull(osVersion, "osVersion");
        requireNonNull(buildVersion, "buildVersion");
        if (serialNumber.isBlank()) {
            throw new IllegalArgumentException("serialNumber: blank (expected: a serial such as F2LXK0PQHG7F)");
        }
        if (!PRODUCT_TYPE.matcher(productType).matches()) {
            throw new IllegalArgumentException("productType: " + productType + " (expected: e.g. iPhone15,2 or iPad13,18)");
        }
        if (!OS_VERSION.matcher(osVersion).matches()) {
            throw new IllegalArgumentException("osVersion: " + osVersion + " (expected: e.g. 17.5 or 17.5.1)");
        }
        if (buildVersion.isBlank()) {
            throw new IllegalArgumentException("buildVersion: blank (expected: e.g. 21F90)");
        }
    }

    /** The family Apple reports as ModelName ("iPhone", "iPad", "iPod touch", ...): the product type without its numbers. */
    public String family() {
        String letters = productType.substring(0, productType.indexOf(',')).replaceAll("\\d+$", "");
        return letters.equals("iPod") ? "iPod touch" : letters;
    }

    /** Major number of the product type: 15 for "iPhone15,2". */
    public int productMajor() {
        String head = productType.substring(0, productType.indexOf(','));
        return Integer.parseInt(head.replaceAll("^\\D+", ""));
    }

    /** Major OS version: 17 for "17.5.1". */
    public int osMajor() {
        int dot = osVersion.indexOf('.');
        return Integer.parseInt(dot < 0 ? osVersion : osVersion.substring(0, dot));
    }
}
