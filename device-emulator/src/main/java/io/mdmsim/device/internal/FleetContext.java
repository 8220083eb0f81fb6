package io.mdmsim.device.internal;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.device.FleetConfig;

/** What all devices of a fleet share. */
public record FleetContext(FleetConfig config, DeviceHttp http, CertificateAuthority factory,
                           CommandHandlers handlers) {
    public FleetContext {
        requireNonNull(config, "config");
        requireNonNull(http, "http");
        requireNonNull(factory, "factory");
        requireNonNull(handlers, "handlers");
    }
}
