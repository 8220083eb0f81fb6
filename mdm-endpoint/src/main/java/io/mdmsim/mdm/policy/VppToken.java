package io.mdmsim.mdm.policy;

import io.mdmsim.mdm.store.TrackedSet;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/** A VPP (apps and books) location token with its Company Portal licences. */
public final class VppToken {
    public final String name;
    public String organization;
    public Instant expiry;
    public int companyPortalLicenses;
    /** The devices (serial, else UDID) holding a Company Portal licence of this token. */
    public final Set<String> holders;
    /** Holders added or removed since the policy was last stored. */
    final Set<String> changedHolders = new LinkedHashSet<>();

    public VppToken(String name, String organization, Instant expiry, int companyPortalLicenses) {
        this.name = name;
        this.organization = organization;
        this.expiry = expiry;
        this.companyPortalLicenses = companyPortalLicenses;
        this.holders = new TrackedSet<>(changedHolders::add);
    }

    public int available() {
        return Math.max(0, companyPortalLicenses - holders.size());
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expiry);
    }
}
