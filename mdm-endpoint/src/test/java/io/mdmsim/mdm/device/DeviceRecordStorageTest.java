package io.mdmsim.mdm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.mdm.queue.CommandState;
import io.mdmsim.mdm.store.MdmStore;
import io.mdmsim.mdm.store.StoreException;
import io.mdmsim.mdm.store.StoredDevices;
import io.mdmsim.mdm.store.StoredJson;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A device record goes to the store when a lock that changed it is released, and every field of it comes back: the
 * record is filled field by field (by reflection, nested state included), stored, loaded into a new registry and
 * compared. A field someone adds later is covered without touching this test; one the store cannot write fails it.
 */
class DeviceRecordStorageTest {

    private static final Instant T = Instant.parse("2026-03-02T09:00:00Z");

    @Test
    void everyFieldOfARecordComesBackFromTheStore() throws Exception {
        MdmStore store = MdmStore.inMemory();
        DeviceRegistry registry = new DeviceRegistry(store.devices());
        DeviceRecord d = registry.getOrCreate("UDID-1");
        d.lock();
        try {
            fill(d, "d");
            d.commands.enqueue("C-1", "DeviceInformation", new byte[] {1, 2}, T);
            d.commands.enqueue("C-2", "DeviceConfigured", new byte[] {3}, T);
            d.commands.next(false, T.plusSeconds(1));
            d.commands.report("C-1", CommandState.ACKNOWLEDGED, "Acknowledged", Map.of("QueryResponses",
                    Map.of("DeviceName", "iPhone")), T.plusSeconds(2));
        } finally {
            d.unlock();
        }
        String written = StoredJson.write(d);

        DeviceRecord back = new DeviceRegistry(store.devices()).find("UDID-1").orElseThrow();
        assertEquals(written, StoredJson.write(back));
        assertAllSet(back, "DeviceRecord");
        assertEquals(d.commands.history(), back.commands.history());
        assertEquals(1, back.commands.pendingCount(), "C-2 is still queued");
        assertEquals("C-2", back.commands.next(false, T.plusSeconds(3)).orElseThrow().commandUuid());
    }

    @Test
    void aLockThatChangedNothingWritesNothing() {
        AtomicInteger writes = new AtomicInteger();
        StoredDevices counting = counting(MdmStore.inMemory().devices(), writes);
        DeviceRegistry registry = new DeviceRegistry(counting);
        DeviceRecord d = registry.getOrCreate("UDID-2");
        d.lock();
        d.serialNumber = "F2LX";
        d.unlock();
        assertEquals(1, writes.get());
        d.view();
        d.lock();
        d.lock(); // nested: only the outermost unlock writes
        d.deviceName = "Ann's iPhone";
        d.unlock();
        assertEquals(1, writes.get());
        d.unlock();
        assertEquals(2, writes.get());
        d.lock();
        d.commands.enqueue("C-9", "DeviceLock", new byte[] {9}, T);
        d.unlock();
        assertEquals(3, writes.get(), "a queued command alone is a change");
    }

    @Test
    void aFailedWriteReachesTheCallerAndIsRetriedByTheNextChange() {
        MdmStore store = MdmStore.inMemory();
        AtomicInteger failures = new AtomicInteger(1);
        StoredDevices flaky = before(store.devices(), device -> {
            if (failures.getAndDecrement() > 0) {
                throw new StoreException("disk full");
            }
        });
        DeviceRegistry registry = new DeviceRegistry(flaky);
        DeviceRecord d = registry.getOrCreate("UDID-3");
        d.lock();
        d.commands.enqueue("C-1", "DeviceLock", new byte[] {1}, T);
        StoreException e = assertThrows(StoreException.class, d::unlock);
        assertEquals("disk full", e.getMessage());
        assertFalse(isLocked(d), "the lock is released even when the write fails");
        d.lock();
        d.lastSeenAt = T;
        d.unlock();
        StoredDevices.Loaded loaded = store.devices().loadAll().getFirst();
        assertEquals(List.of("C-1"), loaded.commands().stream().map(StoredDevices.Command::commandUuid).toList(),
                "the command of the failed write is written with the next one");
    }

    @Test
    void aSlowWriteOfOneDeviceHoldsUpNoOtherDevice() throws Exception {
        MdmStore store = MdmStore.inMemory();
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        StoredDevices slowForA = before(store.devices(), device -> {
            if (device.enrollmentId().equals("UDID-A")) {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        DeviceRegistry registry = new DeviceRegistry(slowForA);
        DeviceRecord a = registry.getOrCreate("UDID-A");
        DeviceRecord b = registry.getOrCreate("UDID-B");
        Thread slow = Thread.ofVirtual().start(() -> {
            a.lock();
            a.deviceName = "A";
            a.unlock();
        });
        writing.await(); // A's write is under way, A's lock held
        b.lock();
        b.deviceName = "B";
        b.unlock(); // B is written meanwhile
        assertEquals(List.of("UDID-B"), store.devices().loadAll().stream().map(l -> l.device().enrollmentId())
                .toList());
        release.countDown();
        slow.join();
        assertEquals(2, store.devices().count());
    }

    private static boolean isLocked(DeviceRecord d) {
        try {
            Field f = DeviceRecord.class.getDeclaredField("lock");
            f.setAccessible(true);
            return ((java.util.concurrent.locks.ReentrantLock) f.get(d)).isLocked();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StoredDevices counting(StoredDevices inner, AtomicInteger writes) {
        return before(inner, device -> writes.incrementAndGet());
    }

    /** {@code inner}, with {@code hook} run before each save (it may throw or wait). */
    private static StoredDevices before(StoredDevices inner, java.util.function.Consumer<StoredDevices.Device> hook) {
        return new StoredDevices() {
            @Override
            public void save(Device device, List<Command> changedCommands) {
                hook.accept(device);
                inner.save(device, changedCommands);
            }

            @Override
            public List<Loaded> loadAll() {
                return inner.loadAll();
            }

            @Override
            public int count() {
                return inner.count();
            }
        };
    }

    // ---- reflection: fill every stored field with a value that is not its default, then check it came back ----

    private static List<Field> storedFields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
                    f.setAccessible(true);
                    out.add(f);
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void fill(Object target, String path) throws Exception {
        for (Field f : storedFields(target.getClass())) {
            String p = path + "." + f.getName();
            Object current = f.get(target);
            if (current instanceof Map<?, ?> map && Modifier.isFinal(f.getModifiers())) {
                Type[] args = ((ParameterizedType) f.getGenericType()).getActualTypeArguments();
                ((Map<Object, Object>) map).put("k-" + f.getName(), sample(args[1], p));
            } else if (current instanceof Collection<?> list && Modifier.isFinal(f.getModifiers())) {
                Type arg = ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
                ((Collection<Object>) list).add(sample(arg, p));
            } else if (Modifier.isFinal(f.getModifiers())) {
                fill(current, p);
            } else {
                f.set(target, sample(f.getGenericType(), p));
            }
        }
    }

    private static Object sample(Type type, String path) throws Exception {
        Class<?> raw = type instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) type;
        if (raw == String.class) {
            return "v" + path;
        }
        if (raw == Object.class) {
            return Map.of("key", List.of("value", 1, true));
        }
        if (raw == Instant.class) {
            return T.plusSeconds(Math.abs(path.hashCode() % 100_000));
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return true;
        }
        if (raw == int.class || raw == Integer.class) {
            return 7;
        }
        if (raw == long.class || raw == Long.class) {
            return 7L;
        }
        if (raw == byte[].class) {
            return new byte[] {1, 2, 3};
        }
        if (raw.isEnum()) {
            Object[] values = raw.getEnumConstants();
            return values[values.length - 1];
        }
        if (raw == List.class) {
            return List.of(sample(((ParameterizedType) type).getActualTypeArguments()[0], path));
        }
        if (raw == Map.class) {
            Type[] args = ((ParameterizedType) type).getActualTypeArguments();
            return new java.util.LinkedHashMap<>(Map.of("k", sample(args[1], path)));
        }
        if (raw.isRecord()) {
            RecordComponent[] parts = raw.getRecordComponents();
            Object[] values = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                values[i] = sample(parts[i].getGenericType(), path + "." + parts[i].getName());
            }
            Constructor<?> c = raw.getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(values);
        }
        Constructor<?> c = raw.getDeclaredConstructor();
        c.setAccessible(true);
        Object o = c.newInstance();
        fill(o, path);
        return o;
    }

    private static void assertAllSet(Object o, String path) throws Exception {
        for (Field f : storedFields(o.getClass())) {
            Object v = f.get(o);
            String p = path + "." + f.getName();
            assertNotNull(v, p + " did not come back from the store");
            switch (v) {
                case Boolean b -> assertTrue(b, p + " did not come back from the store");
                case Number n -> assertTrue(n.longValue() != 0, p + " did not come back from the store");
                case Map<?, ?> m -> assertFalse(m.isEmpty(), p + " did not come back from the store");
                case Collection<?> c -> assertFalse(c.isEmpty(), p + " did not come back from the store");
                default -> {
                    if (v.getClass().getName().startsWith("io.mdmsim.") && !v.getClass().isEnum()
                            && !v.getClass().isRecord()) {
                        assertAllSet(v, p);
                    }
                }
            }
        }
    }
}
