/**
 * What drives a device: {@code DeviceRunner} (a device through its {@code Step}s on its own virtual thread, each
 * stage timed on the SimClock; a {@code Step.Parking} step waits without a thread), {@code FleetContext} (what all
 * devices of a fleet share), {@code IdleDevices} (the devices waiting without a thread, which a stop must reach), {@code DeviceContext} (what
 * one device's code gets), {@code CommandDispatcher} (how the fleet's command handlers answer) and {@code Trace} (one device's JSON-lines trace).
 *
 * <p>May use {@code net}, {@code model}, the API package and simulator-core.
 */
package io.mdmsim.device.runtime;
