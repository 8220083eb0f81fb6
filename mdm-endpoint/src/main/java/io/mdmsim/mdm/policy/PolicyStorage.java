package io.mdmsim.mdm.policy;

import static java.util.Objects.requireNonNull;

import io.mdmsim.mdm.store.Commit;
import io.mdmsim.mdm.store.StoredJson;
import io.mdmsim.mdm.store.StoredPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the enrollment policy ({@link PolicyService}) is kept in the store: its settings (restrictions, licence totals,
 * VPP tokens) as one JSON document, written when it differs from the last one written; its large sets (corporate
 * identifiers, licence holders, Company Portal licence holders per VPP token, devices checked) as members, of which
 * only those the policy's tracked sets reported changed are written. Fields are guarded by the policy's monitor.
 */
final class PolicyStorage {

    static final String CORPORATE_SERIAL = "corporate-serial";
    static final String CORPORATE_IMEI = "corporate-imei";
    static final String USER_LICENSE = "user-license";
    static final String DEVICE_LICENSE = "device-license";
    static final String CHECKED_UDID = "checked-udid";
    static final String VPP = "vpp:";

    /** The stored form of the settings; the large sets are stored as members. */
    record StoredSettings(boolean iosAllowed, boolean ipadosAllowed, boolean personalAllowed, Integer userLicenses,
            Integer deviceLicenses, List<StoredVppToken> vppTokens) {}

    record StoredVppToken(String name, String organization, Instant expiry, int companyPortalLicenses) {}

    private final StoredPolicy store;
    private final Set<StoredPolicy.Member> changedMembers = new LinkedHashSet<>();
    private final Set<String> changedVppTokens = new LinkedHashSet<>();
    private String storedSettings;

    PolicyStorage(StoredPolicy store) {
        this.store = requireNonNull(store, "store");
    }

    /** A member of one of the policy's sets was added or removed. */
    void changed(String set, String value) {
        changedMembers.add(new StoredPolicy.Member(set, value));
    }

    /** A VPP token was added, replaced or deleted: its holders are written in full. */
    void vppTokenChanged(String name) {
        changedVppTokens.add(name);
    }

    private static String settingsJson(PolicyService p) {
        return StoredJson.write(new StoredSettings(p.iosAllowed, p.ipadosAllowed, p.personalAllowed,
                p.userLicenses.total, p.deviceLicenses.total, p.vppTokens.values().stream().map(t -> new StoredVppToken(
                        t.name, t.organization, t.expiry, t.companyPortalLicenses)).toList()));
    }

    /** Fills {@code p} from the store. Monitor held. */
    void load(PolicyService p) {
        StoredPolicy.Loaded loaded = store.load();
        if (loaded.settingsJson() != null) {
            StoredSettings st = StoredJson.read(loaded.settingsJson(), StoredSettings.class);
            p.iosAllowed = st.iosAllowed();
            p.ipadosAllowed = st.ipadosAllowed();
            p.personalAllowed = st.personalAllowed();
            p.userLicenses.total = st.userLicenses();
            p.deviceLicenses.total = st.deviceLicenses();
            for (StoredVppToken t : st.vppTokens() == null ? List.<StoredVppToken>of() : st.vppTokens()) {
                p.vppTokens.put(t.name(), new VppToken(t.name(), t.organization(), t.expiry(),
                        t.companyPortalLicenses()));
            }
        }
        for (StoredPolicy.Member m : loaded.members()) {
            Set<String> set = set(p, m.set());
            if (set != null) {
                set.add(m.value());
            }
        }
        changedMembers.clear();
        changedVppTokens.clear();
        p.vppTokens.values().forEach(t -> t.changedHolders.clear());
        storedSettings = loaded.settingsJson() == null ? null : settingsJson(p);
    }

    /** The set a member belongs to, null for the holders of a VPP token the policy no longer has. */
    private static Set<String> set(PolicyService p, String name) {
        return switch (name) {
            case CORPORATE_SERIAL -> p.corporateSerials;
            case CORPORATE_IMEI -> p.corporateImeis;
            case USER_LICENSE -> p.userLicenses.holders;
            case DEVICE_LICENSE -> p.deviceLicenses.holders;
            case CHECKED_UDID -> p.checkedUdids;
            default -> {
                VppToken t = name.startsWith(VPP) ? p.vppTokens.get(name.substring(VPP.length())) : null;
                yield t == null ? null : t.holders;
            }
        };
    }

    /** Hands what changed to the store under {@code p}'s monitor and waits for it after. */
    void persist(PolicyService p) {
        Commit commit;
        List<StoredPolicy.Member> added = new ArrayList<>();
        List<StoredPolicy.Member> removed = new ArrayList<>();
        List<String> cleared = new ArrayList<>();
        String settings;
        synchronized (p) {
            String now = settingsJson(p);
            settings = now.equals(storedSettings) ? null : now;
            for (StoredPolicy.Member m : changedMembers) {
                Set<String> set = set(p, m.set());
                (set != null && set.contains(m.value()) ? added : removed).add(m);
            }
            for (String name : changedVppTokens) {
                cleared.add(VPP + name);
                VppToken t = p.vppTokens.get(name);
                if (t != null) {
                    t.holders.forEach(h -> added.add(new StoredPolicy.Member(VPP + name, h)));
                }
            }
            for (VppToken t : p.vppTokens.values()) {
                if (!changedVppTokens.contains(t.name)) {
                    for (String h : t.changedHolders) {
                        (t.holders.contains(h) ? added : removed).add(new StoredPolicy.Member(VPP + t.name, h));
                    }
                }
                t.changedHolders.clear();
            }
            if (settings == null && added.isEmpty() && removed.isEmpty() && cleared.isEmpty()) {
                return;
            }
            changedMembers.clear();
            changedVppTokens.clear();
            commit = store.submit(settings, cleared, removed, added);
            if (settings != null) {
                storedSettings = settings;
            }
        }
        try {
            commit.await();
        } catch (RuntimeException e) {
            synchronized (p) { // written with the next call
                storedSettings = null;
                changedMembers.addAll(removed);
                changedMembers.addAll(added);
                cleared.forEach(set -> changedVppTokens.add(set.substring(VPP.length())));
            }
            throw e;
        }
    }
}
