/**
 * Virtual iPhones and iPads, the part's public API: {@link io.mdmsim.device.DeviceFleet#run} with a {@link
 * io.mdmsim.device.FleetConfig} (devices as {@code DeviceSpec}s, a {@code Population} and its {@code Behaviour},
 * {@code KeySource}, {@code Shard}, {@code TraceOptions}, a {@code FleetListener}) returns a {@code FleetResult} of
 * {@code DeviceResult}s by {@code Stage} and {@code Outcome}. {@code DeviceFleet} wires the packages below;
 * {@code DeviceJson} is the one Jackson mapper they share.
 *
 * <p>Layout: {@code runtime} (drives each device on its virtual thread), {@code enroll} (Setup Assistant, cloud
 * configuration to TokenUpdate, web view, over the air, Company Portal), {@code managed} (life
 * after enrollment: command sessions, declarative management, unenrollment), {@code commands} (the RequestTypes a
 * device answers), {@code net} (HTTP, MDM, SCEP and push clients), {@code model} (the device's facts and state).
 * Other modules use only this package.
 */
package io.mdmsim.device;
