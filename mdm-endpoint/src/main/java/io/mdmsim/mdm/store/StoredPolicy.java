package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The enrollment policy: its settings (device type restrictions, licence totals, VPP tokens) as one JSON document,
 * and its large sets (corporate identifiers, licence holders, devices already checked) as members, one row each,
 * so an enrollment writes one row rather than the whole policy.
 */
public interface StoredPolicy {

    /** @param set which set, e.g. {@code corporate-serial}, {@code device-license}, {@code vpp:Apps} */
    record Member(String set, String value) {
        public Member {
            requireNonNull(set, "set");
            requireNonNull(value, "value");
        }
    }

    /** @param settingsJson null when nothing was ever stored; members in the order they were added */
    record Loaded(String settingsJson, List<Member> members) {
        public Loaded {
            members = List.copyOf(members);
        }
    }

    /**
     * Hands over a change, written in one transaction in the order of calls: the settings (null: unchanged), then
     * every member of {@code clearedSets} removed, then {@code removed}, then {@code added}. Durable when the
     * returned {@link Commit} says so.
     */
    Commit submit(String settingsJson, List<String> clearedSets, List<Member> removed, List<Member> added);

    /** {@link #submit} and wait: durable on return. */
    default void save(String settingsJson, List<String> clearedSets, List<Member> removed, List<Member> added) {
        submit(settingsJson, clearedSets, removed, added).await();
    }

    Loaded load();
}
