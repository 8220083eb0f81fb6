/**
 * A device's life after enrollment: {@code ManagedLife} (idle until a push or a timer wakes it), {@code
 * CommandSession} (one connection to the ServerURL, commands in and reports out), {@code DeclarativeClient}
 * (declarative management synchronization) and {@code Unenroll} (retire, wipe, remove).
 *
 * <p>May use {@code commands}, {@code runtime}, {@code net}, {@code model}, the API package and simulator-core.
 */
package io.mdmsim.device.managed;
