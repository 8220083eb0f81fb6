package io.mdmsim.mdm.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.mdm.store.StoredPolicy.Member;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one behaviour suite every {@link MdmStore} backend passes (nanomdm's pattern): each backend's test class
 * extends it and says how to make a store and how to open it again after {@code close()}, as a restarted server
 * does. Everything read after a reopen was written before it.
 */
abstract class MdmStoreContract {

    static final Instant T = Instant.parse("2026-03-02T09:00:00Z");

    /** A new, empty store. */
    abstract MdmStore create() throws Exception;

    /** The same data, opened again after {@code closed} was closed. */
    abstract MdmStore reopen(MdmStore closed) throws Exception;

    MdmStore store;

    @BeforeEach
    void open() throws Exception {
        store = create();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Closes the store and opens it again: what a restarted server reads. */
    MdmStore restart() throws Exception {
        store.close();
        store = reopen(store);
        return store;
    }

    // ---- meta ------------------------------------------------------------------------------------------------

    @Test
    void metaValuesAreSetReplacedAndKept() throws Exception {
        store.meta().put("dep_key", "PEM-1");
        store.meta().put("starts", "1");
        store.meta().put("starts", "2");
        assertEquals(Optional.of("2"), store.meta().get("starts"));
        assertEquals(Optional.empty(), store.meta().get("missing"));
        restart();
        assertEquals(Optional.of("PEM-1"), store.meta().get("dep_key"));
        assertEquals("2", store.meta().all().get("starts"));
    }

    // ---- devices and commands --------------------------------------------------------------------------------

    static StoredDevices.Device device(String id, String state, String json) {
        return new StoredDevices.Device(id, "SER-" + id, state, T, json);
    }

    static StoredDevices.Command command(String id, long seq, String uuid, String state) {
        return new StoredDevices.Command(id, seq, uuid, "DeviceInformation", state, null, T.plusSeconds(seq),
                null, null, 0, null, null, new byte[] {(byte) seq, 1, 2});
    }

    @Test
    void aDeviceAndItsCommandsComeBackInQueueOrder() throws Exception {
        store.devices().save(device("B", "ENROLLED", "{\"b\":1}"), List.of(command("B", 1, "C-2", "QUEUED"),
                command("B", 0, "C-1", "SENT")));
        store.devices().save(device("A", "ENROLLING", "{}"), List.of());
        restart();
        List<StoredDevices.Loaded> all = store.devices().loadAll();
        assertEquals(List.of("A", "B"), all.stream().map(l -> l.device().enrollmentId()).toList());
        assertEquals(device("B", "ENROLLED", "{\"b\":1}"), all.get(1).device());
        assertEquals(List.of(command("B", 0, "C-1", "SENT"), command("B", 1, "C-2", "QUEUED")), all.get(1).commands());
        assertArrayEquals(new byte[] {1, 1, 2}, all.get(1).commands().get(1).plist());
        assertEquals(List.of(), all.get(0).commands());
        assertEquals(2, store.devices().count());
    }

    @Test
    void aSavedCommandReplacesTheOneOfTheSameUuidAndKeepsTheOthers() throws Exception {
        store.devices().save(device("A", "ENROLLED", "{\"v\":1}"), List.of(command("A", 0, "C-1", "QUEUED"),
                command("A", 1, "C-2", "QUEUED")));
        StoredDevices.Command done = new StoredDevices.Command("A", 0, "C-1", "DeviceInformation", "ACKNOWLEDGED",
                "Acknowledged", T, T.plusSeconds(1), T.plusSeconds(2), 1, "{\"QueryResponses\":{}}", null,
                new byte[] {0, 1, 2});
        store.devices().save(device("A", "CONFIGURED", "{\"v\":2}"), List.of(done));
        restart();
        StoredDevices.Loaded a = store.devices().loadAll().getFirst();
        assertEquals("CONFIGURED", a.device().enrollmentState());
        assertEquals("{\"v\":2}", a.device().json());
        assertEquals(List.of(done, command("A", 1, "C-2", "QUEUED")), a.commands());
    }

    @Test
    void aCommandOfAnotherEnrollmentIsRefusedAndNothingIsWritten() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.devices()
                .save(device("A", "ENROLLED", "{}"), List.of(command("B", 0, "C-1", "QUEUED"))));
        assertEquals("command C-1 belongs to B (expected: A, the one it is saved with)", e.getMessage());
        assertEquals(0, store.devices().count());
    }

    @Test
    void devicesSavedAtTheSameTimeFromManyThreadsAreAllKept() throws Exception {
        int threads = 16;
        int perThread = 20;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String id = "D-" + thread + "-" + i;
                        store.devices().save(device(id, "ENROLLED", "{\"i\":" + i + "}"),
                                List.of(command(id, 0, "C-" + id, "QUEUED")));
                        store.devices().save(device(id, "CONFIGURED", "{\"i\":" + i + "}"),
                                List.of(command(id, 0, "C-" + id, "ACKNOWLEDGED")));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        restart();
        List<StoredDevices.Loaded> all = store.devices().loadAll();
        assertEquals(threads * perThread, all.size());
        for (StoredDevices.Loaded l : all) {
            assertEquals("CONFIGURED", l.device().enrollmentState(), l.device().enrollmentId());
            assertEquals(List.of("ACKNOWLEDGED"), l.commands().stream().map(StoredDevices.Command::state).toList());
        }
    }

    // ---- identity bindings and challenges --------------------------------------------------------------------

    @Test
    void bindingsAreKeptByFingerprint() throws Exception {
        store.bindings().put(new StoredBindings.Binding("bb", "UDID-2", T, false));
        store.bindings().put(new StoredBindings.Binding("aa", "UDID-1", T, false));
        store.bindings().put(new StoredBindings.Binding("aa", "UDID-3", T.plusSeconds(5), false));
        store.bindings().put(new StoredBindings.Binding("cc", "UDID-3", T.plusSeconds(9), true));
        restart();
        assertEquals(List.of(new StoredBindings.Binding("aa", "UDID-3", T.plusSeconds(5), false),
                new StoredBindings.Binding("bb", "UDID-2", T, false),
                new StoredBindings.Binding("cc", "UDID-3", T.plusSeconds(9), true)), store.bindings().loadAll());
    }

    @Test
    void challengesAreSpentAndForgottenOnceExpired() throws Exception {
        StoredChallenges.Challenge live = new StoredChallenges.Challenge("d1", "UDID-1", T, T.plusSeconds(900), false);
        StoredChallenges.Challenge ota = new StoredChallenges.Challenge("d2", null, T, T.plusSeconds(60), false);
        store.challenges().put(live);
        store.challenges().put(ota);
        StoredChallenges.Challenge spent = new StoredChallenges.Challenge("d1", "UDID-1", T, T.plusSeconds(900), true);
        store.challenges().put(spent);
        store.challenges().forgetExpiredBefore(T.plusSeconds(61));
        restart();
        assertEquals(List.of(spent), store.challenges().loadAll());
    }

    // ---- declarations ----------------------------------------------------------------------------------------

    @Test
    void declarationsAreReplacedRemovedAndKeepTheirLastChange() throws Exception {
        assertEquals(new StoredDeclarations.Loaded(List.of(), null), store.declarations().load());
        store.declarations().put(new StoredDeclarations.Declaration("z", "{\"v\":1}"), T);
        store.declarations().put(new StoredDeclarations.Declaration("a", "{\"v\":1}"), T.plusSeconds(1));
        store.declarations().put(new StoredDeclarations.Declaration("z", "{\"v\":2}"), T.plusSeconds(2));
        store.declarations().remove("a", T.plusSeconds(3));
        store.declarations().remove("never-stored", T.plusSeconds(4));
        restart();
        assertEquals(new StoredDeclarations.Loaded(List.of(new StoredDeclarations.Declaration("z", "{\"v\":2}")),
                T.plusSeconds(4)), store.declarations().load());
    }

    // ---- DEP ---------------------------------------------------------------------------------------------------

    static StoredDep.Device held(String token, String serial) {
        return new StoredDep.Device(token, serial, true, false, null, null, null, false);
    }

    @Test
    void tokensKeepTheirOrderTheirSerialsAndTheirChanges() throws Exception {
        StoredDep dep = store.dep();
        dep.save(new StoredDep.Token("token-1", "CK1", "{\"v\":1}"), List.of(held("token-1", "S2"),
                held("token-1", "S1")));
        dep.save(new StoredDep.Token("token-2", "CK2", "{}"), List.of(held("token-2", "S9")));
        StoredDep.Device assigned = new StoredDep.Device("token-1", "S2", true, true, "P-1", null, null, false);
        StoredDep.Device removed = new StoredDep.Device("token-1", "S1", false, false, null, T, T.plusSeconds(86400),
                false);
        dep.save(new StoredDep.Token("token-1", "CK1", "{\"v\":2}"), List.of(assigned, removed));
        dep.saveFlow(new StoredDep.Flow("flow-1", "{\"state\":\"OPEN\"}"));
        dep.saveFlow(new StoredDep.Flow("flow-1", "{\"state\":\"COMPLETED\"}"));
        restart();
        StoredDep.Loaded loaded = store.dep().load();
        assertEquals(List.of(new StoredDep.Token("token-1", "CK1", "{\"v\":2}"), new StoredDep.Token("token-2", "CK2",
                "{}")), loaded.tokens(), "a token keeps the place it was first stored at");
        assertEquals(List.of(assigned, removed, held("token-2", "S9")), loaded.devices());
        assertEquals(List.of(new StoredDep.Flow("flow-1", "{\"state\":\"COMPLETED\"}")), loaded.flows());
    }

    @Test
    void anEmptySerialIsDeletedAndADeletedTokenTakesItsSerialsWithIt() throws Exception {
        StoredDep dep = store.dep();
        dep.save(new StoredDep.Token("token-1", "CK1", "{}"), List.of(held("token-1", "S1"), held("token-1", "S2")));
        StoredDep.Device gone = new StoredDep.Device("token-1", "S1", false, false, null, null, null, false);
        assertTrue(gone.isEmpty());
        dep.save(new StoredDep.Token("token-1", "CK1", "{}"), List.of(gone));
        dep.save(new StoredDep.Token("token-2", "CK2", "{}"), List.of(held("token-2", "S3")));
        dep.delete("token-2");
        dep.delete("never-stored");
        restart();
        StoredDep.Loaded loaded = store.dep().load();
        assertEquals(List.of("token-1"), loaded.tokens().stream().map(StoredDep.Token::name).toList());
        assertEquals(List.of(held("token-1", "S2")), loaded.devices());
    }

    @Test
    void aSerialOfAnotherTokenIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.dep().save(
                new StoredDep.Token("token-1", "CK1", "{}"), List.of(held("token-2", "S1"))));
        assertEquals("serial number S1 belongs to token-2 (expected: token-1, the one it is saved with)",
                e.getMessage());
        assertEquals(List.of(), store.dep().load().tokens());
    }

    // ---- policy ------------------------------------------------------------------------------------------------

    @Test
    void policySettingsAndMembersAreKept() throws Exception {
        assertEquals(new StoredPolicy.Loaded(null, List.of()), store.policy().load());
        StoredPolicy policy = store.policy();
        policy.save("{\"ios\":false}", List.of(), List.of(), List.of(new Member("corporate-serial", "S1"),
                new Member("corporate-serial", "S2"), new Member("device-license", "S1"), new Member("vpp:Old", "S1")));
        policy.save(null, List.of(), List.of(), List.of(new Member("corporate-serial", "S1"))); // there: stays in place
        policy.save(null, List.of("vpp:Old"), List.of(new Member("corporate-serial", "S2"),
                new Member("user-license", "nobody")), List.of(new Member("vpp:Apps", "S1")));
        restart();
        assertEquals(new StoredPolicy.Loaded("{\"ios\":false}", List.of(new Member("corporate-serial", "S1"),
                new Member("device-license", "S1"), new Member("vpp:Apps", "S1"))), store.policy().load());
    }

    @Test
    void policyChangesAreWrittenInTheOrderTheyWereHandedOver() throws Exception {
        StoredPolicy policy = store.policy();
        Commit first = policy.submit("{\"v\":1}", List.of(), List.of(), List.of(new Member("checked-udid", "U1")));
        Commit second = policy.submit("{\"v\":2}", List.of(), List.of(new Member("checked-udid", "U1")), List.of());
        second.await();
        first.await();
        restart();
        assertEquals(new StoredPolicy.Loaded("{\"v\":2}", List.of()), store.policy().load());
    }

    // ---- closing -----------------------------------------------------------------------------------------------

    @Test
    void aClosedStoreRefusesWrites() {
        store.close();
        StoreException e = assertThrows(StoreException.class, () -> store.meta().put("k", "v"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(StoreException.class, () -> store.devices().save(device("A", "ENROLLED", "{}"), List.of()));
    }

    @Test
    void anEmptyStoreLoadsNothing() {
        assertEquals(List.of(), store.devices().loadAll());
        assertEquals(List.of(), store.bindings().loadAll());
        assertEquals(List.of(), store.challenges().loadAll());
        assertEquals(Map.of(), withoutSchema(store.meta().all()));
        assertFalse(store.location().isEmpty());
        assertNull(store.policy().load().settingsJson());
    }

    static Map<String, String> withoutSchema(Map<String, String> meta) {
        Map<String, String> m = new java.util.HashMap<>(meta);
        m.remove("schema_version");
        return m;
    }
}
