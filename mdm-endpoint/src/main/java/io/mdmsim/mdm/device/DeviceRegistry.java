package io.mdmsim.mdm.device;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** All device enrollments of this server, in memory. */
public final class DeviceRegistry {

    private final Map<String, DeviceRecord> devices = new ConcurrentHashMap<>();

    public DeviceRecord getOrCreate(String id) {
        return devices.computeIfAbsent(id, DeviceRecord::new);
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
}
