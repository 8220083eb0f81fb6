package io.mdmsim.abm.apns;

import java.util.concurrent.atomic.LongAdder;

/** What the fake APNs counted since it started ({@code GET /admin/apns/stats}, first half). */
final class ApnsCounters {
    final LongAdder accepted = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder stored = new LongAdder();
    final LongAdder coalesced = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder unregistered = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder tokensIssued = new LongAdder();
    final LongAdder tokensReleased = new LongAdder();
}
