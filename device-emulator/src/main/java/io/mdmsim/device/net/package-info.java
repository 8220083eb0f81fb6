/**
 * The device's clients on the wire: {@code DeviceHttp} (one HTTP client for the fleet), {@code MdmClient} (check-in
 * and command protocols), {@code ScepClient}, {@code PushChannel} (the fake APNs event stream) with {@code Wakeup},
 * and {@code Tls}.
 *
 * <p>May use {@code model}, the API package and simulator-core.
 */
package io.mdmsim.device.net;
