package io.mdmsim.abm;

/** DEP {@code profile_status} (ADS Device.json): empty -> assigned -> pushed (-> removed). */
enum ProfileStatus {
    EMPTY("empty"),
    ASSIGNED("assigned"),
    PUSHED("pushed"),
    REMOVED("removed");

    private final String wire;

    ProfileStatus(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }
}
