/**
 * The fake APNs. {@code ApnsService} is the entry point the HTTP adapters use and returns the view records they
 * write; behind it {@code DeviceTokens} (issued and released tokens, their keys), {@code DeviceConnections} (the
 * devices' connections and event streams), {@code Delivery} (delivery and Apple's coalescing),
 * {@code ProviderCertificates} (provider authentication), {@code FaultInjector} (injected errors). {@code ApnsPush}
 * is one provider request read and checked, {@code ApnsReason} Apple's error reasons, {@code DeviceSignature} who asks
 * for a token, {@code ApnsTls} the listener's TLS.
 *
 * <p>May use {@code state} (seeded randomness) and simulator-core.
 */
package io.mdmsim.abm.apns;
