/**
 * The fake APNs: {@code ApnsService} (device tokens, connections and event streams, delivery, coalescing), {@code
 * ApnsPush} (one provider request read and checked), {@code ApnsReason} (Apple's error reasons) and {@code ApnsTls}.
 *
 * <p>May use {@code state} (seeded randomness) and simulator-core.
 */
package io.mdmsim.abm.apns;
