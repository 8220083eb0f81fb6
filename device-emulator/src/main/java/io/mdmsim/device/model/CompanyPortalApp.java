package io.mdmsim.device.model;

/**
 * The facts of the Company Portal app that the MDM installs (App Store ID 719171358, bundle
 * com.microsoft.CompanyPortal) and whose managed app configuration may name a ServiceURL. What the app does on the
 * device is {@code enroll.CompanyPortal}.
 */
public final class CompanyPortalApp {

    public static final String BUNDLE_ID = "com.microsoft.CompanyPortal";
    public static final long STORE_ID = 719171358L;
    /** The managed app configuration key of the sign-in endpoint. */
    public static final String SERVICE_URL = "ServiceURL";

    private CompanyPortalApp() {
    }

    /** Whether an InstallApplication names Company Portal, by App Store ID or bundle ID. */
    public static boolean is(Long storeId, String identifier) {
        return (storeId != null && storeId == STORE_ID) || BUNDLE_ID.equals(identifier);
    }
}
