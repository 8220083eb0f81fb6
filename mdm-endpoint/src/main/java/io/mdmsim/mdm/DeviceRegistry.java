package io.mdmsim.mdm;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** All device enrollments of this server, in memory. */
final class DeviceRegistry {

    private final Map<String, DeviceRecord> devices = new ConcurrentHashMap<>();

    DeviceRecord getOrCreate(String id) {
        return devices.computeIfAbsent(id, DeviceRecord::new);
    }

    Optional<DeviceRecord> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(devices.get(id));
    }

    List<DeviceView> views() {
        return devices.values().stream().map(DeviceRecord::view).sorted(Comparator.comparing(DeviceView::udid)).toList();
    }

    int size() {
        return devices.size();
    }
}
