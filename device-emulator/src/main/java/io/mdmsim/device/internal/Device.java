package io.mdmsim.device.internal;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Identity;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * One virtual device's state. Owned by the device's own thread: not thread-safe, never shared.
 */
public final class Device {

    /** One command the device answered, in the order it answered them. */
    public record HandledCommand(String commandUuid, String requestType, String status) {
    }

    private final DeviceRef ref;
    private final DeviceSpec spec;
    private final HardwareProfile hardware;
    private String deviceName;
    private Stage stage = Stage.CLOUD_CONFIG;
    private Identity factoryIdentity;
    private CloudConfiguration cloudConfiguration;
    private byte[] profileBytes;
    private EnrollmentProfile profile;
    private Identity mdmIdentity;
    private byte[] pushToken;
    private String pushMagic;
    private byte[] unlockToken;
    private boolean awaitingConfiguration;
    private final List<HandledCommand> commands = new ArrayList<>();
    private ManagedState managed = new ManagedState();
    private int erases;

    public Device(int index, DeviceSpec spec, HardwareProfile hardware) {
        this.spec = requireNonNull(spec, "spec");
        this.hardware = requireNonNull(hardware, "hardware");
        this.ref = new DeviceRef(index, spec.serialNumber(), hardware.udid());
        this.deviceName = spec.family();
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
    void deviceName(String name) {
        this.deviceName = requireNonNull(name, "name");
    }

    /** What the MDM changed on the device since enrollment. */
    public ManagedState managed() {
        return managed;
    }

    /** How many times EraseDevice sent the device back to factory. */
    public int erases() {
        return erases;
    }

    /**
     * EraseDevice: everything but the hardware and the factory identity goes; the device powers on again at the first
     * stage. The handled-commands log survives so a run's history stays readable.
     */
    void factoryReset() {
        erases++;
        stage = Stage.CLOUD_CONFIG;
        deviceName = spec.family();
        cloudConfiguration = null;
        profileBytes = null;
        profile = null;
        mdmIdentity = null;
        pushToken = null;
        pushMagic = null;
        unlockToken = null;
        awaitingConfiguration = false;
        managed = new ManagedState();
    }

    public Stage stage() {
        return stage;
    }

    void stage(Stage stage) {
        this.stage = requireNonNull(stage, "stage");
    }

    public Identity factoryIdentity() {
        return factoryIdentity;
    }

    void factoryIdentity(Identity identity) {
        this.factoryIdentity = requireNonNull(identity, "identity");
    }

    public CloudConfiguration cloudConfiguration() {
        return cloudConfiguration;
    }

    void cloudConfiguration(CloudConfiguration c) {
        this.cloudConfiguration = requireNonNull(c, "c");
    }

    public byte[] profileBytes() {
        return profileBytes;
    }

    void profileBytes(byte[] bytes) {
        this.profileBytes = requireNonNull(bytes, "bytes");
    }

    public EnrollmentProfile profile() {
        return profile;
    }

    void profile(EnrollmentProfile p) {
        this.profile = requireNonNull(p, "p");
    }

    public Identity mdmIdentity() {
        return mdmIdentity;
    }

    void mdmIdentity(Identity identity) {
        this.mdmIdentity = requireNonNull(identity, "identity");
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

    void pushCredentials(byte[] token, String magic, byte[] unlock) {
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

    void recordCommand(HandledCommand c) {
        commands.add(requireNonNull(c, "c"));
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
