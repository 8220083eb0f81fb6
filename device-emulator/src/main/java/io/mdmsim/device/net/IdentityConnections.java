package io.mdmsim.device.net;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.TlsIdentityClient;
import io.mdmsim.core.pki.Identity;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The fleet's TLS connections that present a device's own identity certificate: an MDM whose profile says
 * SignMessage false knows the device by it (Apple's "Check-in": the identity is then the TLS client certificate). One
 * event loop for the whole fleet, made on first use; each device gets its own context and keep-alive connection.
 */
public final class IdentityConnections implements AutoCloseable {

    /** The answers of an MDM are small; a command plist beyond this is refused. */
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final List<X509Certificate> anchors;
    private TlsIdentityClient client; // guarded by this
    private boolean closed;

    /** @param anchors the server roots the devices trust besides the JDK's */
    public IdentityConnections(List<X509Certificate> anchors) {
        this.anchors = List.copyOf(anchors);
    }

    /** A connection for {@code identity} (its TLS context is made now; the connection when first used). */
    public TlsIdentityClient.Identity open(Identity identity) {
        requireNonNull(identity, "identity");
        return client().identity(identity.privateKey(), identity.certificate(), identity.chain());
    }

    private synchronized TlsIdentityClient client() {
        if (closed) {
            throw new IllegalStateException("the fleet's identity connections are closed");
        }
        if (client == null) {
            // two event loops: the machines this runs on have few cores, and the devices' own threads do the rest
            client = new TlsIdentityClient(Tls.trustManager(anchors), 2, "device-tls", MAX_BODY_BYTES);
        }
        return client;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
        }
    }
}
