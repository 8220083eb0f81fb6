package io.mdmsim.abm.state;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An MDM server of {@link AbmTables}: its token, pace, cursor validity, profiles, and its two logs of device records
 * (assignments at the moment each becomes visible; later changes at the moment they happened).
 */
final class ServerEntry {
    final int index;
    final String name;
    final String uuid;
    final X509Certificate certificate;
    /** Index of its organization. */
    final int org;
    AbmState.OAuthKeys keys;
    long tokenGeneration;
    long releaseEnd = Long.MIN_VALUE;
    int devicesPerMinute = -1;
    Instant cursorsValidFrom = Instant.EPOCH;
    int live;
    /** Assignments, at the position where each became (or becomes) visible: the {@code added} records. */
    final KeyLog members = new KeyLog();
    /** Later changes ({@code modified}, {@code deleted}), at the moment they happened. */
    final KeyLog changes = new KeyLog();
    /** Its profiles: profile UUID to index in the profile table. */
    final Map<String, Integer> profiles = new LinkedHashMap<>();
    /** How much of each log the store already holds. */
    int membersStored;
    int changesStored;

    ServerEntry(int index, String name, String uuid, X509Certificate certificate, int org) {
        this.index = index;
        this.name = name;
        this.uuid = uuid;
        this.certificate = certificate;
        this.org = org;
    }

    AbmStore.ServerRow row() {
        return new AbmStore.ServerRow(index, name, uuid, certificate, org, keys, tokenGeneration, releaseEnd,
                devicesPerMinute, cursorsValidFrom);
    }
}
