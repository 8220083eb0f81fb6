/**
 * What drives a device: {@code DeviceRunner} (a device through its {@code Step}s on its own virtual thread, each
 * stage timed on the SimClock), {@code FleetContext} (what all devices of a fleet share), {@code DeviceContext} (what
 * one device's code gets), {@code CommandDispatcher} (how the fleet's command handlers answer) and {@code Trace} (one device's JSON-lines trace).
 *
 * <p>May use {@code net}, {@code model}, the API package and simulator-core.
 */
package io.mdmsim.device.runtime;
