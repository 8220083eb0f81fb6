package io.mdmsim.core.protocol;

/** The rule the check-in YAMLs state for UDID and EnrollmentID: one of them identifies the enrollment. */
final class Identity {
    private Identity() {}

    static void require(String context, String udid, String enrollmentId) {
        if (udid == null && enrollmentId == null) {
            throw new IllegalArgumentException(context + ": neither udid nor enrollmentId is set "
                    + "(expected: UDID, or EnrollmentID for a user enrollment)");
        }
    }
}
