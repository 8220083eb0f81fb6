package io.mdmsim.abm.state;

import static io.mdmsim.abm.state.AbmTables.RELEASED;
import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.state.AbmState.DeviceFilter;
import io.mdmsim.abm.state.AbmState.DeviceView;
import io.mdmsim.abm.state.AbmState.OrgView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Organizations and their inventory: adding them, their terms, adding devices (all or nothing), and the admin's
 * device listings. Not thread-safe: every caller holds {@link AbmState}'s lock.
 */
final class Organizations {

    private final AbmTables t;
    private final AbmPersistence journal;

    Organizations(AbmTables tables, AbmPersistence journal) {
        this.t = requireNonNull(tables, "tables");
        this.journal = requireNonNull(journal, "journal");
    }

    OrgView add(FakeAbmConfig.Organization organization) {
        requireNonNull(organization, "organization");
        if (t.orgsById.containsKey(organization.orgId())) {
            throw new AbmState.StateConflict("organization " + organization.orgId() + " already exists");
        }
        OrgEntry o = new OrgEntry(t.orgs.size(), organization);
        t.orgs.add(o);
        t.orgsById.put(organization.orgId(), o.index);
        t.dirtyOrgs.set(o.index);
        journal.flush();
        return view(o);
    }

    List<OrgView> all() {
        int[] devices = new int[t.orgs.size()];
        for (int i = 0; i < t.inventory.size(); i++) {
            if ((t.flags[i] & RELEASED) == 0) {
                devices[t.inventory.organization(i)]++;
            }
        }
        return t.orgs.stream().map(o -> new OrgView(o.info, o.termsAccepted, devices[o.index],
                (int) t.servers.stream().filter(s -> s.org == o.index).count())).toList();
    }

    /** The organization with this id, or null. */
    OrgView get(String orgId) {
        Integer i = t.orgsById.get(orgId);
        return i == null ? null : view(t.orgs.get(i));
    }

    /** The first organization (the one a fake ABM starts with), or null. */
    OrgView first() {
        return t.orgs.isEmpty() ? null : view(t.orgs.getFirst());
    }

    OrgView setTermsAccepted(String orgId, boolean accepted) {
        OrgEntry o = t.existingOrg(orgId);
        o.termsAccepted = accepted;
        t.dirtyOrgs.set(o.index);
        journal.flush();
        return view(o);
    }

    private OrgView view(OrgEntry o) {
        int devices = 0;
        for (int i = 0; i < t.inventory.size(); i++) {
            if (t.inventory.organization(i) == o.index && (t.flags[i] & RELEASED) == 0) {
                devices++;
            }
        }
        int n = (int) t.servers.stream().filter(s -> s.org == o.index).count();
        return new OrgView(o.info, o.termsAccepted, devices, n);
    }

    /** Adds devices to an organization's inventory. All or nothing: a serial already known adds none. */
    int addDevices(List<InventoryDevice> devices, String orgId) {
        OrgEntry o = t.existingOrg(orgId);
        Set<String> seen = new LinkedHashSet<>();
        List<String> duplicates = new ArrayList<>();
        for (InventoryDevice d : devices) {
            if (!seen.add(d.serialNumber()) || t.inventory.indexOf(d.serialNumber()) >= 0) {
                duplicates.add(d.serialNumber());
            }
        }
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException("serial" + (duplicates.size() == 1 ? " " : "s ")
                    + AbmTables.list(duplicates) + (duplicates.size() == 1 ? " is" : " are") + " already in the inventory");
        }
        for (InventoryDevice d : devices) {
            t.initDevice(t.inventory.add(d, o.index));
        }
        journal.flush();
        return devices.size();
    }

    /** The devices matching {@code filter}, in inventory order, skipping {@code offset} and at most {@code limit}. */
    List<DeviceView> devices(DeviceFilter filter, int offset, int limit) {
        ServerEntry only = filter.mdmServer() == null ? null : t.existing(filter.mdmServer());
        int orgIndex = filter.organizationId() == null ? -1 : t.existingOrg(filter.organizationId()).index;
        List<DeviceView> out = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < t.inventory.size() && out.size() < limit; i++) {
            if (only != null && t.server[i] != only.index
                    || orgIndex >= 0 && t.inventory.organization(i) != orgIndex
                    || filter.released() != null && filter.released() != ((t.flags[i] & RELEASED) != 0)
                    || filter.unassignedOnly() && t.server[i] >= 0) {
                continue;
            }
            if (skipped++ < offset) {
                continue;
            }
            out.add(t.view(i, t.serverOf(i), null, null));
        }
        return out;
    }

    /** Serials of an order, in inventory order; empty if there is no such order. */
    List<String> serialsOfOrder(String orderNumber) {
        return Arrays.stream(t.inventory.ofOrder(orderNumber)).mapToObj(t.inventory::serial).toList();
    }
}
