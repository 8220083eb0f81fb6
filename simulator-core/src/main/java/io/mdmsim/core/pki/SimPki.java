package io.mdmsim.core.pki;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.security.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one simulator PKI of docs/DESIGN.md "Identities and trust": a root CA, the "fake Apple device CA" that issues
 * each virtual device its MachineInfo signing certificate, the MDM's SCEP CA, and the TLS server identity for 127.0.0.1
 * and localhost. In memory, or persisted as PEM files in a directory. The three CAs are issued by the root, so trusting
 * root-ca.pem trusts all of them.
 */
public final class SimPki {
    public static final String ROOT_CN = "mdmsim Root CA";
    public static final String APPLE_DEVICE_CA_CN = "Apple iPhone Device CA (mdmsim)";
    public static final String SCEP_CA_CN = "mdmsim SCEP CA";
    public static final String TLS_SERVER_CN = "127.0.0.1";

    /** PEM file names in a PKI directory. Keys are PKCS#8. tls-server.pem holds the leaf then the root. */
    public static final String ROOT_CERT = "root-ca.pem";
    public static final String ROOT_KEY = "root-ca-key.pem";
    public static final String APPLE_DEVICE_CA_CERT = "apple-device-ca.pem";
    public static final String APPLE_DEVICE_CA_KEY = "apple-device-ca-key.pem";
    public static final String SCEP_CA_CERT = "scep-ca.pem";
    public static final String SCEP_CA_KEY = "scep-ca-key.pem";
    public static final String TLS_SERVER_CERT = "tls-server.pem";
    public static final String TLS_SERVER_KEY = "tls-server-key.pem";
    private static final List<String> FILES = List.of(ROOT_CERT, ROOT_KEY, APPLE_DEVICE_CA_CERT, APPLE_DEVICE_CA_KEY,
            SCEP_CA_CERT, SCEP_CA_KEY, TLS_SERVER_CERT, TLS_SERVER_KEY);

    /** Certificates start this long before "now", so small clock differences between peers do not matter. */
    static final Duration BACKDATE = Duration.ofHours(1);
    static final Duration ROOT_VALIDITY = Duration.ofDays(20 * 365);
    static final Duration CA_VALIDITY = Duration.ofDays(15 * 365);
    /** Apple's ceiling for TLS server certificates from a CA the user added (support.apple.com/HT210176). */
    static final Duration TLS_VALIDITY = Duration.ofDays(825);

    private static final System.Logger LOG = System.getLogger(SimPki.class.getName());

    private final CertificateAuthority root;
    private final CertificateAuthority appleDeviceCa;
    private final CertificateAuthority scepCa;
    private final Identity tlsServer;

    private SimPki(CertificateAuthority root, CertificateAuthority appleDeviceCa, CertificateAuthority scepCa, Identity tlsServer) {
        this.root = root;
        this.appleDeviceCa = appleDeviceCa;
        this.scepCa = scepCa;
        this.tlsServer = tlsServer;
    }

    public static SimPki create(Instant now) {
        requireNonNull(now, "now");
        Instant notBefore = now.minus(BACKDATE);
        CertificateAuthority root = CertificateAuthority.selfSignedRoot(ROOT_CN, notBefore, ROOT_VALIDITY);
        return new SimPki(root,
                root.intermediate(APPLE_DEVICE_CA_CN, notBefore, CA_VALIDITY),
                root.intermediate(SCEP_CA_CN, notBefore, CA_VALIDITY),
                newTlsServer(root, now));
    }

    /**
     * Loads the PEM files of dir; creates and writes them on first start (dir empty or missing). A TLS server
     * certificate not valid at now is replaced (and rewritten). A directory with only some of the files is an error.
     * Creating, loading and renewing happen under an exclusive lock on {@code dir/.lock} (across processes, and across
     * threads of this one), so parts started together on a fresh directory share one PKI. The directory is made 0700
     * and the keys 0600.
     */
    public static SimPki loadOrCreate(Path dir, Instant now) {
        requireNonNull(dir, "dir");
        requireNonNull(now, "now");
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            PrivateFiles.directory(absolute);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create PKI directory " + dir + ": " + e.getMessage(), e);
        }
        Object threadLock = LOCKS.computeIfAbsent(absolute, k -> new Object());
        synchronized (threadLock) {
            try (FileChannel channel = FileChannel.open(absolute.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                return loadOrCreateLocked(dir, now);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock PKI directory " + dir + " (" + LOCK_FILE + "): "
                        + e.getMessage(), e);
            }
        }
    }

    /** The lock file of a PKI directory (empty; only locked). */
    static final String LOCK_FILE = ".lock";
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private static SimPki loadOrCreateLocked(Path dir, Instant now) {
        List<String> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String f : FILES) {
            (Files.isRegularFile(dir.resolve(f)) ? present : missing).add(f);
        }
        if (present.isEmpty()) {
            SimPki pki = create(now);
            pki.exportPem(dir);
            LOG.log(System.Logger.Level.INFO, "created the simulator PKI in {0}; trust {1} to trust it", dir, dir.resolve(ROOT_CERT));
            return pki;
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("PKI directory " + dir + " is incomplete: it has " + present + " but not "
                    + missing + " (restore the missing files, or empty the directory to start a new PKI)");
        }
        CertificateAuthority root = CertificateAuthority.of(load(dir, ROOT_CERT, ROOT_KEY, List.of()));
        CertificateAuthority apple = CertificateAuthority.of(load(dir, APPLE_DEVICE_CA_CERT, APPLE_DEVICE_CA_KEY, List.of(root.certificate())));
        CertificateAuthority scep = CertificateAuthority.of(load(dir, SCEP_CA_CERT, SCEP_CA_KEY, List.of(root.certificate())));
        Identity tls = load(dir, TLS_SERVER_CERT, TLS_SERVER_KEY, List.of(root.certificate()));
        for (var c : List.of(apple.certificate(), scep.certificate(), tls.certificate())) {
            requireIssuedBy(c, root.certificate(), dir);
        }
        X509Certificate tlsCert = tls.certificate();
        if (now.isBefore(tlsCert.getNotBefore().toInstant()) || now.isAfter(tlsCert.getNotAfter().toInstant())) {
            LOG.log(System.Logger.Level.INFO, "TLS server certificate in {0} is not valid at {1} (valid {2} to {3}); issuing a new one",
                    dir, now, tlsCert.getNotBefore().toInstant(), tlsCert.getNotAfter().toInstant());
            tls = newTlsServer(root, now);
            write(dir, TLS_SERVER_CERT, Pem.encode(tls.certificateAndChain()), false);
            write(dir, TLS_SERVER_KEY, Pem.encode(tls.privateKey()), true);
        }
        return new SimPki(root, apple, scep, tls);
    }

    public CertificateAuthority root() {
        return root;
    }

    public CertificateAuthority appleDeviceCa() {
        return appleDeviceCa;
    }

    public CertificateAuthority scepCa() {
        return scepCa;
    }

    /** For 127.0.0.1 and localhost. */
    public Identity tlsServer() {
        return tlsServer;
    }

    /** Writes every certificate and key as PEM (keys PKCS#8 0600, the directory 0700, where the file system allows). */
    public void exportPem(Path dir) {
        requireNonNull(dir, "dir");
        try {
            PrivateFiles.directory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create PKI directory " + dir + ": " + e.getMessage(), e);
        }
        write(dir, ROOT_CERT, Pem.encode(root.certificate()), false);
        write(dir, ROOT_KEY, Pem.encode(root.privateKey()), true);
        write(dir, APPLE_DEVICE_CA_CERT, Pem.encode(appleDeviceCa.certificate()), false);
        write(dir, APPLE_DEVICE_CA_KEY, Pem.encode(appleDeviceCa.privateKey()), true);
        write(dir, SCEP_CA_CERT, Pem.encode(scepCa.certificate()), false);
        write(dir, SCEP_CA_KEY, Pem.encode(scepCa.privateKey()), true);
        write(dir, TLS_SERVER_CERT, Pem.encode(tlsServer.certificateAndChain()), false);
        write(dir, TLS_SERVER_KEY, Pem.encode(tlsServer.privateKey()), true);
    }

    @Override
    public String toString() {
        return "SimPki[root=" + Certificates.sha256Fingerprint(root.certificate()) + "]";
    }

    private static Identity newTlsServer(CertificateAuthority root, Instant now) {
        return root.issueTlsServer(now.minus(BACKDATE), TLS_VALIDITY, TLS_SERVER_CN, "localhost", "::1");
    }

    private static Identity load(Path dir, String certFile, String keyFile, List<X509Certificate> chain) {
        List<X509Certificate> certs;
        PrivateKey key;
        try {
            certs = Pem.certificates(Files.readString(dir.resolve(certFile), StandardCharsets.US_ASCII));
            key = Pem.privateKey(Files.readString(dir.resolve(keyFile), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(certFile) + " or " + keyFile + ": " + e.getMessage(), e);
        } catch (PemException e) {
            throw new IllegalStateException("PKI directory " + dir + ": " + certFile + " / " + keyFile + ": " + e.getMessage(), e);
        }
        X509Certificate cert = certs.get(0);
        if (!Certificates.keyMatches(cert, key)) {
            throw new IllegalStateException("PKI directory " + dir + ": the key in " + keyFile + " does not belong to the certificate in "
                    + certFile + " (" + Certificates.name(cert) + ")");
        }
        return new Identity(cert, key, chain);
    }

    private static void requireIssuedBy(X509Certificate c, X509Certificate root, Path dir) {
        try {
            c.verify(root.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKI directory " + dir + ": certificate " + Certificates.name(c)
                    + " is not issued by the root CA in " + ROOT_CERT + " (" + Certificates.name(root) + ")", e);
        }
    }

    private static void write(Path dir, String file, String pem, boolean secret) {
        Path target = dir.resolve(file);
        try {
            Path tmp = Files.createTempFile(dir, "." + file, ".tmp");
            try {
                if (secret) {
                    try {
                        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException notPosix) {
                        // Windows and the like: the directory's ACLs apply.
                    }
                }
                Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
