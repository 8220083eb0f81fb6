package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.pki.Identity;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the MDM changed on a device after enrollment: installed profiles and their identities, apps, settings, lock,
 * declarations, and what the device has to do once it has reported (restart, a declarative sync; an erase is
 * {@link Device#factoryReset()}). Owned by the device's thread like {@link Device}; a wipe replaces it.
 */
public final class ManagedState {

    /** One payload of an installed profile, as ProfileList reports it. */
    public record PayloadSummary(String type, int version, String identifier, String uuid, String displayName,
                                 String description, String organization) {
        public PayloadSummary {
            requireNonNull(type, "type");
            requireNonNull(identifier, "identifier");
            requireNonNull(uuid, "uuid");
        }
    }

    /**
     * An installed configuration profile (ADM mdm/profiles/TopLevel.yaml).
     *
     * @param managed      installed by the MDM (InstallProfile or the enrollment profile), not by the user
     * @param enrollment   the profile holding the com.apple.mdm payload: RemoveProfile may not remove it
     * @param identities   identities its SCEP payloads obtained, by payload UUID
     * @param certificates certificates its certificate payloads installed
     */
    public record InstalledProfile(String identifier, String uuid, int version, String displayName,
                                   String organization, String description, boolean removalDisallowed,
                                   boolean hasRemovalPasscode, boolean encrypted, List<X509Certificate> signers,
                                   boolean managed, boolean enrollment, List<PayloadSummary> payloads,
                                   Map<String, Identity> identities, List<X509Certificate> certificates,
                                   Instant installedAt) {
        public InstalledProfile {
            requireNonNull(identifier, "identifier");
            requireNonNull(uuid, "uuid");
            signers = List.copyOf(signers);
            payloads = List.copyOf(payloads);
            identities = Collections.unmodifiableMap(new LinkedHashMap<>(identities));
            certificates = List.copyOf(certificates);
            requireNonNull(installedAt, "installedAt");
        }
    }

    /**
     * An app (ADM application.installed.list.yaml keys). {@code readyAt} is when its download and installation end on
     * the SimClock; before that InstalledApplicationList shows it Installing.
     */
    public record App(String identifier, String name, String version, String shortVersion, long bundleSize,
                      long dynamicSize, boolean managed, Long iTunesStoreId, String manifestUrl, int managementFlags,
                      NSDictionary configuration, NSDictionary attributes, Instant queuedAt, Instant readyAt) {
        public App {
            requireNonNull(identifier, "identifier");
            requireNonNull(name, "name");
            requireNonNull(queuedAt, "queuedAt");
            requireNonNull(readyAt, "readyAt");
        }

        public boolean installing(Instant now) {
            return now.isBefore(readyAt);
        }

        /** The InstallApplication / ManagedApplicationList State at {@code now}. */
        public String state(Instant now) {
            if (!installing(now)) {
                return managed ? "Managed" : "UserInstalledApp";
            }
            return now.isBefore(queuedAt.plus(Duration.between(queuedAt, readyAt).dividedBy(2))) ? "Queued"
                    : "Installing";
        }
    }

    /**
     * Single App Mode: an installed profile with a com.apple.app.lock payload locks the device to one app until that
     * profile is removed.
     *
     * @param app               App Identifier of the payload (bundle ID)
     * @param profileIdentifier the PayloadIdentifier of the profile that holds it
     */
    public record SingleAppMode(String app, String profileIdentifier) {
        public SingleAppMode {
            requireNonNull(app, "app");
            requireNonNull(profileIdentifier, "profileIdentifier");
        }
    }

    /** A lock the MDM set with DeviceLock. */
    public record Lock(Instant at, String message, String phoneNumber) {
    }

    /** Something the device does after it reported the command that asked for it. */
    public sealed interface Pending permits Restart, DeclarativeSync {
    }

    /** RestartDevice: off the push channel, boot, back on. */
    public record Restart(String commandUuid) implements Pending {
    }

    /** DeclarativeManagement: fetch tokens (unless the command carried them), declarations, send status. */
    public record DeclarativeSync(String commandUuid, byte[] tokens) implements Pending {
    }

    private final Map<String, InstalledProfile> profiles = new LinkedHashMap<>();
    private final Map<String, App> apps = new LinkedHashMap<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final DeclarativeState declarative = new DeclarativeState();
    private Lock lock;
    private SingleAppMode singleAppMode;
    private int restarts;
    private int pushesAccepted;
    private int pushesIgnored;
    private int checkinFailures;

    public static ManagedState of(Device device) {
        return device.managed();
    }

    /**
     * A Shared iPad: the cloud configuration asked for a multi-user device and the device is an iPad on iPadOS 13.4
     * or later (the seeds' Shared iPad rule).
     */
    public static boolean sharedIpad(Device device) {
        return device.sharedIpad();
    }

    public Collection<InstalledProfile> profiles() {
        return Collections.unmodifiableCollection(profiles.values());
    }

    public InstalledProfile profile(String identifier) {
        return profiles.get(identifier);
    }

    /** Installs or replaces (same PayloadIdentifier) a profile. */
    public void install(InstalledProfile p) {
        profiles.put(p.identifier(), p);
    }

    public InstalledProfile removeProfile(String identifier) {
        return profiles.remove(identifier);
    }

    public Collection<App> apps() {
        return Collections.unmodifiableCollection(apps.values());
    }

    public App app(String identifier) {
        return apps.get(identifier);
    }

    public void app(App app) {
        apps.put(app.identifier(), app);
    }

    public App removeApp(String identifier) {
        return apps.remove(identifier);
    }

    /** A value a Settings item set, by the item's key (e.g. "TimeZone", "DataRoaming"), or null. */
    @SuppressWarnings("unchecked")
    public <T> T setting(String key) {
        return (T) settings.get(key);
    }

    public void setting(String key, Object value) {
        settings.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
    }

    public Lock lock() {
        return lock;
    }

    public void lock(Lock lock) {
        this.lock = lock;
    }

    /** The Single App Mode lock, null when the device is not locked. */
    public SingleAppMode singleAppMode() {
        return singleAppMode;
    }

    public void singleAppMode(SingleAppMode mode) {
        this.singleAppMode = mode;
    }

    public int restarts() {
        return restarts;
    }

    public void restarted() {
        restarts++;
        lock = null; // a restart leaves the device at the Lock screen anyway; the MDM lock message is gone
    }

    public int pushesAccepted() {
        return pushesAccepted;
    }

    public int pushesIgnored() {
        return pushesIgnored;
    }

    public void pushReceived(boolean accepted) {
        if (accepted) {
            pushesAccepted++;
        } else {
            pushesIgnored++;
        }
    }

    /** Check-ins during the device's managed life that the server refused or that failed on the network. */
    public int checkinFailures() {
        return checkinFailures;
    }

    public void checkinFailed() {
        checkinFailures++;
    }

    public DeclarativeState declarative() {
        return declarative;
    }

    public void pending(Pending p) {
        pending.add(requireNonNull(p, "p"));
    }

    /** Takes the pending actions, oldest first, leaving none. */
    public List<Pending> takePending() {
        List<Pending> out = List.copyOf(pending);
        pending.clear();
        return out;
    }

    /** Takes the oldest pending action of the given kind, or null. */
    public Pending takePendingOf(Class<? extends Pending> kind) {
        for (int i = 0; i < pending.size(); i++) {
            if (kind.isInstance(pending.get(i))) {
                return pending.remove(i);
            }
        }
        return null;
    }

    public boolean hasPending() {
        return !pending.isEmpty();
    }
}
