package io.mdmsim.abm.apns;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.SignedContent;
import io.mdmsim.core.pki.CertificateChains;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.PkiException;
import io.mdmsim.core.time.SimClock;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Who asks for a push token: the request body is signed (CMS SignedData, detached, base64 in {@value #HEADER}) with the
 * device's identity from the fake Apple device CA, whose CN is the device's UDID. Real APNs knows the device by the
 * certificate of its TLS connection; the virtual devices share one connection, so each request carries its signature.
 * Without it anyone could ask for a victim's token and have its pushes delivered to them.
 */
public final class DeviceSignature {

    public static final String HEADER = "Apns-Device-Signature";
    private static final int MAX_HEADER_CHARS = 64 * 1024;

    private final X509Certificate deviceCa;
    private final SimClock clock;

    public DeviceSignature(X509Certificate deviceCa, SimClock clock) {
        this.deviceCa = requireNonNull(deviceCa, "deviceCa");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Checks that {@code body} is signed by the device certificate of {@code deviceId}.
     *
     * @throws DeviceApiError 401 without a signature, 400 for one that is not base64 CMS, 403 for one that
     *     does not verify, is not from the fake Apple device CA, or names another device
     */
    public void requireDevice(String deviceId, String header, byte[] body) {
        if (header == null || header.isBlank()) {
            throw new DeviceApiError(401, HEADER + " missing (expected: the request body signed by the"
                    + " device's certificate from the fake Apple device CA, CMS SignedData detached, base64)");
        }
        if (header.length() > MAX_HEADER_CHARS) {
            throw new DeviceApiError(400, HEADER + ": " + header.length() + " characters (expected: at most "
                    + MAX_HEADER_CHARS + ")");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(header.strip());
        } catch (IllegalArgumentException e) {
            throw new DeviceApiError(400, HEADER + ": not base64 (" + e.getMessage() + ")");
        }
        SignedContent signed;
        try {
            signed = Cms.verifyDetached(der, body, HEADER);
            CertificateChains.verify(signed.signer(), signed.certificates(), List.of(deviceCa), clock.now());
        } catch (PkiException e) {
            throw new DeviceApiError(403, e.getMessage() + " (expected: signed by a device certificate of"
                    + " the fake Apple device CA " + deviceCa.getSubjectX500Principal() + ")");
        }
        String cn = Certificates.commonName(signed.signer());
        if (!deviceId.equals(cn)) {
            throw new DeviceApiError(403, "deviceId " + deviceId + " asked for by the device certificate of "
                    + cn + " (expected: a device asks for its own token)");
        }
    }
}
