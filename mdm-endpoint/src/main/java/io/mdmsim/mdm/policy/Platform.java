package io.mdmsim.mdm.policy;

/** The platform a request comes from (docs/mdm-endpoint.md "Enrollment policy"). */
public enum Platform {
    IOS("iOS (iPhone)"), IPADOS("iPadOS (iPad)"), UNKNOWN("an unknown platform");

    private final String label;

    Platform(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** MachineInfo PRODUCT or Authenticate ProductName: iPhone* is iOS, iPad* iPadOS. */
    public static Platform ofProduct(String product) {
        if (product == null) {
            return UNKNOWN;
        }
        if (product.startsWith("iPhone")) {
            return IOS;
        }
        return product.startsWith("iPad") ? IPADOS : UNKNOWN;
    }

    /** The User-Agent of an over-the-air request (docs/DESIGN.md "Device identity before MachineInfo"): "(iPhone;" or "(iPad;". */
    public static Platform ofUserAgent(String userAgent) {
        if (userAgent == null) {
            return UNKNOWN;
        }
        if (userAgent.contains("(iPhone;")) {
            return IOS;
        }
        return userAgent.contains("(iPad;") ? IPADOS : UNKNOWN;
    }
}
