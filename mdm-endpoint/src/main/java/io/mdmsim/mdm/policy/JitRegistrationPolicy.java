package io.mdmsim.mdm.policy;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.management.JitSso;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The device configuration policy Just in Time Registration needs (seeds: "To use JIT Registration, you'll need to
 * create a device configuration policy <em>before</em> you create the Apple enrollment profile and configure Setup
 * Assistant with modern authentication"): the Microsoft Enterprise SSO plug-in as an Extensible SSO payload, which
 * devices enrolling with a {@code justInTimeRegistration} profile receive. Exists or not; while a profile uses it, it
 * cannot be deleted. Thread-safe.
 */
public final class JitRegistrationPolicy {

    private final SimClock clock;
    private Supplier<List<EnrollmentProfile>> profiles = List::of; // guarded by this
    private Instant createdAt; // guarded by this

    public JitRegistrationPolicy(SimClock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** Every enrollment profile (which use JIT registration). */
    public synchronized void allProfiles(Supplier<List<EnrollmentProfile>> all) {
        this.profiles = requireNonNull(all, "all");
    }

    /** Creates the policy (again: it stays as it was). Returns its view. */
    public synchronized Map<String, Object> create() {
        if (createdAt == null) {
            createdAt = clock.now();
        }
        return view();
    }

    /** Deletes it; refused (the reason) while an enrollment profile uses JIT registration. */
    public synchronized String delete() {
        List<String> using = profiles.get().stream().filter(JitRegistrationPolicy::jit).map(EnrollmentProfile::name)
                .toList();
        if (!using.isEmpty()) {
            return "the JIT registration policy is used by enrollment profiles " + using + " (expected: turn"
                    + " justInTimeRegistration off in them first)";
        }
        createdAt = null;
        return null;
    }

    public synchronized Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("created", createdAt != null);
        m.put("createdAt", createdAt == null ? null : createdAt.toString());
        m.put("extensionIdentifier", JitSso.EXTENSION);
        return m;
    }

    /** The rule for a profile: JIT registration needs this policy to exist first. */
    public synchronized List<String> profileViolations(EnrollmentProfile p) {
        if (p != null && jit(p) && createdAt == null) {
            return List.of("justInTimeRegistration: true needs the JIT registration device configuration policy,"
                    + " created before the profile (expected: PUT /admin/device-configuration/jit-registration first)");
        }
        return List.of();
    }

    private static boolean jit(EnrollmentProfile p) {
        return Boolean.TRUE.equals(p.justInTimeRegistration());
    }
}
