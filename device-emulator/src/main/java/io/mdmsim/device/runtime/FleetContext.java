package io.mdmsim.device.runtime;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.net.IdentityConnections;
import io.mdmsim.device.net.PushChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What all devices of a fleet share; {@code handlers} answers the commands.
 *
 * @param push     the fleet's one APNs stream, null when the fleet has no {@link FleetConfig#apnsUrl()}
 * @param stopping set when the fleet run is being stopped (its devices are interrupted and end INTERRUPTED)
 * @param idle     the devices that wait without a thread, which a stop must reach another way
 * @param tls      connections that present a device's identity (MDMs without SignMessage), made on first use
 */
public record FleetContext(FleetConfig config, DeviceHttp http, CertificateAuthority factory,
                           CommandDispatcher handlers, PushChannel push, AtomicBoolean stopping, IdleDevices idle,
                           IdentityConnections tls) {
    public FleetContext {
        requireNonNull(config, "config");
        requireNonNull(http, "http");
        requireNonNull(factory, "factory");
        requireNonNull(handlers, "handlers");
        requireNonNull(stopping, "stopping");
        requireNonNull(idle, "idle");
        requireNonNull(tls, "tls");
    }

    public FleetContext(FleetConfig config, DeviceHttp http, CertificateAuthority factory, CommandDispatcher handlers,
            PushChannel push) {
        this(config, http, factory, handlers, push, new AtomicBoolean(), new IdleDevices(),
                new IdentityConnections(config.trustAnchors()));
    }

    /** The run is being stopped: running devices are interrupted by their executor, idle ones are told here. */
    public void stop() {
        stopping.set(true);
        idle.stopAll();
    }

    /** A fleet without a push channel. */
    public FleetContext(FleetConfig config, DeviceHttp http, CertificateAuthority factory, CommandDispatcher handlers) {
        this(config, http, factory, handlers, null);
    }
}
