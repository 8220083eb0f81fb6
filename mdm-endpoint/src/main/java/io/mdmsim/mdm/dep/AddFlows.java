package io.mdmsim.mdm.dep;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.store.StoredDep;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Add flows (seeds: the admin downloads a public key, creates the server in ABM, uploads the .p7m): each flow has its
 * own key pair; starting a flow abandons the open one, and an abandoned flow's key can no longer decrypt a token.
 * Kept in the store like the tokens.
 */
final class AddFlows {

    private static final class AddFlow {
        final String id;
        final Identity key;
        final Instant startedAt;
        String state = "OPEN"; // OPEN, COMPLETED, ABANDONED

        AddFlow(String id, Identity key, Instant startedAt) {
            this.id = id;
            this.key = key;
            this.startedAt = startedAt;
        }
    }

    private final SimClock clock;
    private final Ids ids;
    private final String organization;
    private final StoredDep store;
    private final TokenStorage storage;
    private final EventLog events;
    /** The flows by id; also their monitor. */
    private final Map<String, AddFlow> flows = new LinkedHashMap<>();
    /** Orders the flows' writes without holding the monitor. */
    private final ReentrantLock flowLock = new ReentrantLock();

    AddFlows(SimClock clock, Ids ids, String organization, StoredDep store, TokenStorage storage, EventLog events) {
        this.clock = requireNonNull(clock, "clock");
        this.ids = requireNonNull(ids, "ids");
        this.organization = requireNonNull(organization, "organization");
        this.store = requireNonNull(store, "store");
        this.storage = requireNonNull(storage, "storage");
        this.events = requireNonNull(events, "events");
    }

    /** The flows of the store, as they were. */
    void restore(List<StoredDep.Flow> rows) {
        synchronized (flows) {
            for (StoredDep.Flow row : rows) {
                TokenStorage.FlowDoc doc = storage.flow(row);
                AddFlow f = new AddFlow(doc.id(), storage.flowKey(doc), doc.startedAt());
                f.state = doc.state();
                flows.put(f.id, f);
            }
        }
    }

    /**
     * Starts an add flow with a new key pair; an open flow started before is abandoned, and an abandoned flow's key
     * pair can no longer decrypt a token (the seeds: leaving the add flow invalidates its key pair).
     */
    Map<String, Object> start() {
        KeyPair pair = KeyPairs.rsa2048();
        Instant now = clock.now();
        Identity key = new Identity(Certificates.selfSigned(pair, "CN=" + organization + " MDM DEP token "
                + ids.uuid(), now.minus(Duration.ofHours(1)), Duration.ofDays(365)), pair.getPrivate());
        AddFlow flow;
        flowLock.lock();
        try {
            List<StoredDep.Flow> changed = new ArrayList<>();
            synchronized (flows) {
                for (AddFlow f : flows.values()) {
                    if (f.state.equals("OPEN")) {
                        f.state = "ABANDONED";
                        changed.add(storage.flowRow(f.id, f.key, f.startedAt, f.state));
                    }
                }
                flow = new AddFlow("flow-" + (flows.size() + 1), key, now);
                flows.put(flow.id, flow);
                changed.add(storage.flowRow(flow.id, flow.key, flow.startedAt, flow.state));
            }
            changed.forEach(store::saveFlow);
        } finally {
            flowLock.unlock();
        }
        events.emit("dep.addflow.started", null, "flow", flow.id);
        return Map.of("flow", flow.id, "publicKeyPem", Pem.encode(key.certificate()), "startedAt", now.toString());
    }

    void abandon(String id) {
        setState(id, "ABANDONED", true);
        events.emit("dep.addflow.abandoned", null, "flow", id);
    }

    /** The key of an open add flow. */
    Identity key(String id) {
        synchronized (flows) {
            AddFlow flow = flows.get(id);
            if (flow == null) {
                throw new BadInputException("flow: " + id + " is unknown (expected: an add flow from"
                        + " POST /admin/dep/add-flows)");
            }
            if (!flow.state.equals("OPEN")) {
                throw new BadInputException("add flow " + id + " was " + flow.state.toLowerCase(Locale.ROOT)
                        + "; its key pair is no longer valid (start a new add flow, upload its public key to ABM and"
                        + " download a new token)");
            }
            return flow.key;
        }
    }

    /** The flow's token was uploaded. */
    void complete(String id) {
        setState(id, "COMPLETED", false);
    }

    /** An open flow becomes {@code state}, stored. */
    private void setState(String id, String state, boolean mustExist) {
        flowLock.lock();
        try {
            StoredDep.Flow row = null;
            synchronized (flows) {
                AddFlow flow = flows.get(id);
                if (flow == null && mustExist) {
                    throw HttpError.notFound("add flow " + id + " is unknown");
                }
                if (flow != null && flow.state.equals("OPEN")) {
                    flow.state = state;
                    row = storage.flowRow(flow.id, flow.key, flow.startedAt, flow.state);
                }
            }
            if (row != null) {
                store.saveFlow(row);
            }
        } finally {
            flowLock.unlock();
        }
    }
}
