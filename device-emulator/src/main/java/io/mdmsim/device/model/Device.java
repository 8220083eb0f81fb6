package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.catalog.DeviceCatalog;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.PaneEvent;
import io.mdmsim.device.Stage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One virtual device's state. Owned by the device's own thread: not thread-safe, never shared.
 *
 * <p>It is a little over 400 lines because it is one device's whole state (identity, Setup Assistant, enrollment,
 * managed state, installed profiles and apps), each field with its accessors; the behaviour that changes it lives in
 * the step and command packages.
 */
public final class Device {

    /** One command the device answered, in the order it answered them. */
    public record HandledCommand(String commandUuid, String requestType, String status) {
    }

    /** How the user was authenticated before enrollment (seeds: the three methods). */
    public enum Authentication {
        /** Nobody signed in (user-less enrollment, Shared iPad). */
        NONE,
        /** Setup Assistant (legacy): the MDM answered MachineInfo with 401 and the user typed name and password. */
        LEGACY,
        /** Setup Assistant with modern authentication: a web view at ConfigurationWebURL (iOS 13+). */
        MODERN,
        /** Company Portal after the home screen. */
        COMPANY_PORTAL
    }

    private final DeviceRef ref;
    private final DeviceSpec spec;
    private final HardwareProfile hardware;
    private String deviceName;
    private Stage stage = Stage.CLOUD_CONFIG;
    private CompactIdentity factoryIdentity;
    private CloudConfiguration cloudConfiguration;
    private byte[] profileBytes;
    private EnrollmentProfile profile;
    private CompactIdentity mdmIdentity;
    private byte[] pushToken;
    private String pushMagic;
    private byte[] unlockToken;
    private boolean awaitingConfiguration;
    private final List<HandledCommand> commands = new ArrayList<>();
    private ManagedState managed = new ManagedState();
    // Setup Assistant state (devsa)
    private final DeviceBehaviour behaviour;
    private final List<PaneEvent> panes = new ArrayList<>();
    private boolean setUpWithoutManagement;
    private boolean activated;
    private boolean passcodePresent;
    private boolean biometricEnrolled;
    private boolean homeScreen;
    private Authentication authentication = Authentication.NONE;
    private String userName;
    private boolean erasePending;
    private int erases;
    private int pass = 1;
    // management life (devpol)
    private java.time.Instant activatedAt;
    private java.time.Instant enrolledAt;
    private boolean enrolledNow;
    private int enrollments;
    private boolean unenrollPending;
    private io.mdmsim.device.DeviceResult.Unenrollment unenrolled = io.mdmsim.device.DeviceResult.Unenrollment.NONE;
    private boolean removalAttempted;
    private boolean firstSessionDone;
    private boolean notNowAnswered;

    public Device(int index, DeviceSpec spec, HardwareProfile hardware) {
        this(index, spec, hardware, DeviceBehaviour.resolve(Behaviour.DEFAULT, 0, spec));
    }

    public Device(int index, DeviceSpec spec, HardwareProfile hardware, DeviceBehaviour behaviour) {
        this.spec = requireNonNull(spec, "spec");
        this.hardware = requireNonNull(hardware, "hardware");
        this.ref = new DeviceRef(index, spec.serialNumber(), hardware.udid());
        this.deviceName = spec.family();
        this.behaviour = requireNonNull(behaviour, "behaviour");
        this.setUpWithoutManagement = behaviour.alreadyActivated();
    }

    public DeviceRef ref() {
        return ref;
    }

    public DeviceSpec spec() {
        return spec;
    }

    public HardwareProfile hardware() {
        return hardware;
    }

    public String udid() {
        return hardware.udid();
    }

    public String serialNumber() {
        return spec.serialNumber();
    }

    /** What Settings > General > About shows as Name; "iPhone" or "iPad" out of the box. */
    public String deviceName() {
        return deviceName;
    }

    /** Settings > DeviceName (supervised devices). */
    public void deviceName(String name) {
        this.deviceName = requireNonNull(name, "name");
    }

    /** What the MDM changed on the device since enrollment. */
    public ManagedState managed() {
        return managed;
    }

    public Stage stage() {
        return stage;
    }

    public void stage(Stage stage) {
        this.stage = requireNonNull(stage, "stage");
    }

    /** The factory identity (parsed from its compact form on each call: keep it only while using it), or null. */
    public Identity factoryIdentity() {
        return factoryIdentity == null ? null : factoryIdentity.identity();
    }

    public void factoryIdentity(Identity identity) {
        this.factoryIdentity = CompactIdentity.of(identity);
    }

    public CloudConfiguration cloudConfiguration() {
        return cloudConfiguration;
    }

    public void cloudConfiguration(CloudConfiguration c) {
        this.cloudConfiguration = requireNonNull(c, "c");
    }

    public byte[] profileBytes() {
        return profileBytes;
    }

    public void profileBytes(byte[] bytes) {
        this.profileBytes = requireNonNull(bytes, "bytes");
    }

    public EnrollmentProfile profile() {
        return profile;
    }

    public void profile(EnrollmentProfile p) {
        this.profile = requireNonNull(p, "p");
    }

    /** The MDM identity from SCEP (parsed from its compact form on each call: keep it only while using it), or null. */
    public Identity mdmIdentity() {
        return mdmIdentity == null ? null : mdmIdentity.identity();
    }

    public void mdmIdentity(Identity identity) {
        this.mdmIdentity = CompactIdentity.of(identity);
    }

    public byte[] pushToken() {
        return pushToken;
    }

    public String pushMagic() {
        return pushMagic;
    }

    public byte[] unlockToken() {
        return unlockToken;
    }

    public void pushCredentials(byte[] token, String magic, byte[] unlock) {
        this.pushToken = requireNonNull(token, "token");
        this.pushMagic = requireNonNull(magic, "magic");
        this.unlockToken = unlock;
    }

    public boolean supervised() {
        return cloudConfiguration != null && cloudConfiguration.supervised(spec.osMajor());
    }

    public boolean awaitingConfiguration() {
        return awaitingConfiguration;
    }

    public void awaitingConfiguration(boolean awaiting) {
        this.awaitingConfiguration = awaiting;
    }

    public List<HandledCommand> commands() {
        return List.copyOf(commands);
    }

    public int commandCount() {
        return commands.size();
    }

    public void recordCommand(HandledCommand c) {
        commands.add(requireNonNull(c, "c"));
    }

    // ---- Setup Assistant (devsa) ------------------------------------------------------------------------------

    /** This device's knobs, user and random streams; command handlers consult {@link DeviceBehaviour#commandFault}. */
    public DeviceBehaviour behaviour() {
        return behaviour;
    }

    /** The catalog entry of the product type, if the catalog knows it. */
    public Optional<DeviceCatalog.Model> model() {
        return DeviceCatalog.model(spec.productType());
    }

    /** Hardware features; for a product type the catalog does not know, a guess from the family. */
    public Set<DeviceCatalog.Feature> features() {
        return model().map(DeviceCatalog.Model::features).orElseGet(() -> spec.family().equals("iPhone")
                ? EnumSet.of(DeviceCatalog.Feature.CELLULAR, DeviceCatalog.Feature.FACE_ID)
                : EnumSet.of(DeviceCatalog.Feature.TOUCH_ID));
    }

    public DeviceCatalog.Family family() {
        return spec.family().equals("iPad") ? DeviceCatalog.Family.IPAD : DeviceCatalog.Family.IPHONE;
    }

    /** True when the OS is at least the dotted version ("14.5", "13.4"). */
    public boolean osAtLeast(String version) {
        return DeviceCatalog.compareVersions(spec.osVersion(), version) >= 0;
    }

    /** Set up (activated) before it was assigned to the MDM: it must be wiped before it can enroll (seeds). */
    public boolean setUpWithoutManagement() {
        return setUpWithoutManagement;
    }

    public boolean activated() {
        return activated;
    }

    public void activated(boolean activated) {
        this.activated = activated;
    }

    /** Activation on the SimClock (the start of the 30-day provisional window); null before activation. */
    public java.time.Instant activatedAt() {
        return activatedAt;
    }

    public void activatedAt(java.time.Instant at) {
        this.activatedAt = at;
    }

    // ---- management life (devpol) -------------------------------------------------------------------------------

    /** Enrollment completed (TokenUpdate sent) at {@code at}. */
    public void enrolled(java.time.Instant at) {
        this.enrolledAt = requireNonNull(at, "at");
        this.enrolledNow = true;
        this.enrollments++;
        this.unenrolled = io.mdmsim.device.DeviceResult.Unenrollment.NONE;
    }

    /** When the current enrollment completed; null when not enrolled. */
    public java.time.Instant enrolledAt() {
        return enrolledNow ? enrolledAt : null;
    }

    /** Enrolled in the MDM right now. */
    public boolean enrolledNow() {
        return enrolledNow;
    }

    public int enrollments() {
        return enrollments;
    }

    /** The MDM removed the enrollment profile (an acknowledged RemoveProfile): the device unenrolls after reporting. */
    public void unenrollAfterReport() {
        this.unenrollPending = true;
    }

    public boolean unenrollPending() {
        return unenrollPending;
    }

    /** Management is gone: the MDM profile and everything it installed. */
    public void unenrolled(io.mdmsim.device.DeviceResult.Unenrollment how) {
        this.unenrollPending = false;
        this.enrolledNow = false;
        this.unenrolled = requireNonNull(how, "how");
        forgetEnrollment();
        managed = new ManagedState();
    }

    public io.mdmsim.device.DeviceResult.Unenrollment unenrolled() {
        return unenrolled;
    }

    /** Whether the user already tried to remove management in this run (they try once). */
    public boolean removalAttempted() {
        return removalAttempted;
    }

    public void removalAttempted(boolean v) {
        this.removalAttempted = v;
    }

    /** Whether the device has connected to ServerURL since it enrolled (await configuration or a first check-in). */
    public boolean firstSessionDone() {
        return firstSessionDone;
    }

    public void firstSessionDone(boolean v) {
        this.firstSessionDone = v;
    }

    /** Whether the last report of the device's last command session was NotNow (it polls again when it can). */
    public boolean notNowAnswered() {
        return notNowAnswered;
    }

    public void notNowAnswered(boolean v) {
        this.notNowAnswered = v;
    }

    /** The app the device is locked to in Single App Mode, null when not locked. */
    public String singleAppMode() {
        return managed.singleAppMode() == null ? null : managed.singleAppMode().app();
    }

    /** The management facts for the device's result. */
    public io.mdmsim.device.DeviceResult.Management management() {
        String app = enrolledNow ? singleAppMode() : null;
        return new io.mdmsim.device.DeviceResult.Management(enrolledNow, supervised(), app != null, app, unenrolled,
                enrollments, managed.refusedWhileManaged());
    }

    /**
     * The static message at the top of the Settings app of a supervised, managed device (seeds: "This iPhone is
     * supervised and managed by <your organization>"; the 2020 page's lock screen and About texts are superseded), with
     * the organization of the cloud configuration; null when the device is not supervised or not managed.
     */
    public String settingsBanner() {
        if (!enrolledNow || !supervised()) {
            return null;
        }
        String org = cloudConfiguration.organizationName();
        return "This " + (family() == DeviceCatalog.Family.IPAD ? "iPad" : "iPhone") + " is supervised and managed by "
                + (org == null || org.isBlank() ? "its organization" : org) + ".";
    }

    /** A Shared iPad: the record says IsMultiUser and the device is an iPad on iPadOS 13.4 or later. */
    public boolean sharedIpad() {
        return cloudConfiguration != null && cloudConfiguration.isMultiUser() && family() == DeviceCatalog.Family.IPAD
                && osAtLeast("13.4");
    }

    /** The panes the device reached in this pass of Setup Assistant, in order. */
    public List<PaneEvent> panes() {
        return List.copyOf(panes);
    }

    public void recordPane(PaneEvent e) {
        panes.add(requireNonNull(e, "e"));
    }

    /** Whether the user set a passcode in Setup Assistant (never on 14.5+: the pane does not work, seeds). */
    public boolean passcodePresent() {
        return passcodePresent;
    }

    public void passcodePresent(boolean v) {
        this.passcodePresent = v;
    }

    public boolean biometricEnrolled() {
        return biometricEnrolled;
    }

    public void biometricEnrolled(boolean v) {
        this.biometricEnrolled = v;
    }

    /** Setup Assistant has ended. */
    public boolean atHomeScreen() {
        return homeScreen;
    }

    public void atHomeScreen(boolean v) {
        this.homeScreen = v;
    }

    public Authentication authentication() {
        return authentication;
    }

    /** The signed-in user's name, null when nobody signed in. */
    public String userName() {
        return userName;
    }

    public void signedIn(Authentication how, String user) {
        this.authentication = requireNonNull(how, "how");
        this.userName = user;
    }

    /**
     * Erase All Content and Settings (EraseDevice, or the user in Settings): call from the device's own thread, e.g.
     * from a command handler after deciding to acknowledge. The device stops talking to the MDM once the current
     * report is sent, forgets everything but its hardware (enrollment, identities, push credentials, activation) and
     * powers on into Setup Assistant again, where it fetches the cloud configuration and enrolls anew.
     */
    public void factoryReset() {
        this.erasePending = true;
    }

    /** An erase was requested and the device has not yet started over. */
    public boolean erasePending() {
        return erasePending;
    }

    /** How many times the device was erased in this run. */
    public int erases() {
        return erases;
    }

    /** 1 for the first run through Setup Assistant, +1 for each start-over (erase or reboot before enrollment). */
    public int pass() {
        return pass;
    }

    /** Back to factory: hardware and factory identity stay, everything learned since power-on goes. */
    public void wipe() {
        erasePending = false;
        erases++;
        setUpWithoutManagement = false;
        activated = false;
        activatedAt = null;
        enrolledNow = false;
        unenrollPending = false;
        firstSessionDone = false;
        forgetEnrollment();
        cloudConfiguration = null;
        authentication = Authentication.NONE;
        userName = null;
        passcodePresent = false;
        biometricEnrolled = false;
        commands.clear();
        deviceName = spec.family();
        managed = new ManagedState();
    }

    /** Starts Setup Assistant over (after an erase or a reboot before enrollment completed). */
    public void startOver() {
        pass++;
        panes.clear();
        homeScreen = false;
    }

    /** Drops what the device got from the MDM: profile, identity, push credentials. */
    public void forgetEnrollment() {
        profileBytes = null;
        profile = null;
        mdmIdentity = null;
        pushToken = null;
        pushMagic = null;
        unlockToken = null;
        awaitingConfiguration = false;
    }

    /** True when the device's OS is at least major.minor. */
    public boolean osAtLeast(int major, int minor) {
        String[] parts = spec.osVersion().split("\\.");
        int ma = Integer.parseInt(parts[0]);
        int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }

    @Override
    public String toString() {
        return ref + " at " + stage;
    }
}
