package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Key pairs the server makes once and must keep (the DEP token key, a SCEP CA of its own), as PEM in {@link
 * StoredMeta}: the certificate, its chain, then the private key.
 */
public final class StoredIdentities {

    private StoredIdentities() {
    }

    /** The identity stored under {@code key}, or a new one from {@code create}, stored before it is returned. */
    public static Identity getOrCreate(StoredMeta meta, String key, Supplier<Identity> create) {
        requireNonNull(meta, "meta");
        requireNonNull(key, "key");
        Optional<String> stored = meta.get(key);
        if (stored.isPresent()) {
            return decode(key, stored.get());
        }
        Identity created = requireNonNull(create.get(), "created identity");
        meta.put(key, encode(created));
        return created;
    }

    public static String encode(Identity identity) {
        return Pem.encode(identity.certificateAndChain()) + Pem.encode(identity.privateKey());
    }

    public static Identity decode(String key, String pem) {
        try {
            List<X509Certificate> certs = new ArrayList<>(Pem.certificates(pem));
            if (certs.isEmpty()) {
                throw new StoreException("stored " + key + " has no certificate (expected: PEM certificate and key)");
            }
            X509Certificate first = certs.removeFirst();
            return new Identity(first, Pem.privateKey(pem), certs);
        } catch (RuntimeException e) {
            if (e instanceof StoreException s) {
                throw s;
            }
            throw new StoreException("stored " + key + " is not a PEM certificate and key: " + e.getMessage(), e);
        }
    }
}
