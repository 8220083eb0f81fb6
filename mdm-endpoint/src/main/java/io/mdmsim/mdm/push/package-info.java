/**
 * {@code PushService}: wakes devices through the APNs provider API (HTTP/2, {@code apns-topic}, {@code
 * {"mdm": PushMagic}}), retries and the push counters.
 *
 * <p>May use {@code device}, {@code events}, {@code model} and simulator-core.
 */
package io.mdmsim.mdm.push;
