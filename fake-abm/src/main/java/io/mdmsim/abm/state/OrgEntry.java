package io.mdmsim.abm.state;

import io.mdmsim.abm.FakeAbmConfig;

/** An organization of {@link AbmTables} and whether it has accepted the current terms. */
final class OrgEntry {
    final int index;
    final FakeAbmConfig.Organization info;
    boolean termsAccepted = true;

    OrgEntry(int index, FakeAbmConfig.Organization info) {
        this.index = index;
        this.info = info;
    }
}
