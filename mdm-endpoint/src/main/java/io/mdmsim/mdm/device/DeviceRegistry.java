package io.mdmsim.mdm.device;

import static java.util.Objects.requireNonNull;

import io.mdmsim.mdm.store.MdmStore;
import io.mdmsim.mdm.store.StoredDevices;
import io.mdmsim.mdm.store.StoredJson;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All device enrollments of this server, in memory, each written to the store as it changes ({@link
 * DeviceRecord#unlock()}) and read back from it when the registry is made.
 */
public final class DeviceRegistry {

    private final Map<String, DeviceRecord> devices = new ConcurrentHashMap<>();
    private final StoredDevices store;

    /** A registry of its own, in memory (tests). */
    public DeviceRegistry() {
        this(MdmStore.inMemory().devices());
    }

    /** The devices {@code store} holds, with their command queues; later changes are written to it. */
    public DeviceRegistry(StoredDevices store) {
        this.store = requireNonNull(store, "store");
        for (StoredDevices.Loaded loaded : store.loadAll()) {
            StoredDevices.Device row = loaded.device();
            DeviceRecord d = new DeviceRecord(row.enrollmentId(), this);
            StoredJson.update(d, row.json());
            d.commands.restore(loaded.commands());
            d.storedJson = row.json();
            devices.put(d.id, d);
        }
    }

    public DeviceRecord getOrCreate(String id) {
        return devices.computeIfAbsent(id, k -> new DeviceRecord(k, this));
    }

    public Optional<DeviceRecord> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(devices.get(id));
    }

    public List<DeviceView> views() {
        return devices.values().stream().map(DeviceRecord::view).sorted(Comparator.comparing(DeviceView::udid)).toList();
    }

    int size() {
        return devices.size();
    }

    /** Writes the record and its changed commands if anything changed since the last write. Lock held. */
    void store(DeviceRecord d) {
        String json = StoredJson.write(d);
        List<StoredDevices.Command> changed = d.commands.changes(d.id);
        if (changed.isEmpty() && json.equals(d.storedJson)) {
            return;
        }
        store.save(new StoredDevices.Device(d.id, d.serialNumber, d.state.name(), d.lastSeenAt, json), changed);
        d.storedJson = json;
        d.commands.stored();
    }
}
