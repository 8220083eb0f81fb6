package io.mdmsim.abm.apns;

import io.mdmsim.core.http.EventStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One device-side connection: a set of member tokens and, once opened, an event stream. */
final class DeviceConnection {
    final String id;
    final long createdNanos = System.nanoTime();
    final Set<DeviceToken> members = ConcurrentHashMap.newKeySet();
    volatile EventStream stream;
    volatile boolean closed;

    DeviceConnection(String id) {
        this.id = id;
    }

    boolean attached() {
        EventStream s = stream;
        return !closed && s != null && s.isOpen();
    }
}
