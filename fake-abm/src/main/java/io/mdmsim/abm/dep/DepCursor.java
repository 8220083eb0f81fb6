package io.mdmsim.abm.dep;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.state.EventKey;
import java.time.Instant;

/**
 * The state a DEP cursor carries (Apple's "Get a List of Devices" and "Sync the List of Devices"; docs/fake-abm.md). A
 * fetch cursor remembers the snapshot it pages through ({@code high}) and how far it got; a sync cursor only the log
 * position delivered so far. Both belong to one MDM server and expire a fixed time after they were issued.
 */
sealed interface DepCursor {

    String serverUuid();

    Instant issuedAt();

    /** The log position a sync continuing from this cursor starts after. */
    EventKey syncFrom(boolean fetchExhausted);

    record Fetch(String serverUuid, EventKey high, EventKey last, Instant issuedAt) implements DepCursor {
        public Fetch {
            requireNonNull(serverUuid, "serverUuid");
            requireNonNull(high, "high");
            requireNonNull(last, "last");
            requireNonNull(issuedAt, "issuedAt");
        }

        /** Once the snapshot is exhausted, sync starts after it; otherwise after the last device fetched. */
        @Override
        public EventKey syncFrom(boolean fetchExhausted) {
            return fetchExhausted ? high : last;
        }
    }

    record Sync(String serverUuid, EventKey position, Instant issuedAt) implements DepCursor {
        public Sync {
            requireNonNull(serverUuid, "serverUuid");
            requireNonNull(position, "position");
            requireNonNull(issuedAt, "issuedAt");
        }

        @Override
        public EventKey syncFrom(boolean fetchExhausted) {
            return position;
        }
    }
}
