package io.mdmsim.mdm.service;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.enroll.IdentityBindings;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decorator that ties identities to enrollments both ways (nanomdm {@code service/certauth}, stricter): a UDID that
 * enrolled accepts only the identity it enrolled with, the one its device record names
 * ({@link DeviceRecord#identityFingerprint}, kept across restarts with the record).
 * <ul>
 *   <li>Authenticate with a certificate SCEP issued for a challenge minted for this UDID (a verified MachineInfo) is
 *       the explicit way to enroll again: it replaces the enrollment's identity.</li>
 *   <li>Authenticate with an over-the-air certificate (bound to no device) is accepted only for a UDID this server
 *       does not manage: new, checked out, retired or being wiped. It cannot take over an enrolled device.</li>
 *   <li>Every other message must come with the enrollment's identity, or with the renewal SCEP issued for it (which
 *       then becomes the identity). A certificate's subject (its CN) proves nothing: anyone can ask SCEP for any
 *       subject.</li>
 * </ul>
 */
public final class CertAuthMdmService implements MdmService {

    private static final System.Logger LOG = System.getLogger(CertAuthMdmService.class.getName());

    /** Where a device stands (its management word) when a new over-the-air identity may enroll it. */
    private static final Set<String> OPEN_TO_NEW_IDENTITY = Set.of("CHECKED_OUT", "RETIRED", "WIPING");

    private final MdmService next;
    private final IdentityBindings bindings;
    private final DeviceRegistry registry;
    private final Function<String, Optional<String>> management;

    /**
     * @param management where the device of a UDID stands (MANAGED, CHECKED_OUT, WIPING, ...; empty: unknown)
     */
    public CertAuthMdmService(MdmService next, IdentityBindings bindings, DeviceRegistry registry,
            Function<String, Optional<String>> management) {
        this.next = requireNonNull(next, "next");
        this.bindings = requireNonNull(bindings, "bindings");
        this.registry = requireNonNull(registry, "registry");
        this.management = requireNonNull(management, "management");
    }

    @Override
    public CheckinReply checkin(MdmRequest request, CheckinMessage message) {
        if (!(message instanceof Authenticate)) {
            requireCurrent(request);
            return next.checkin(request, message);
        }
        String id = request.enrollmentId();
        synchronized (bindings.lockFor(id)) {
            Optional<String> bound = bindings.boundTo(request.identity());
            if (bound.isPresent() && !bound.get().equals(id)) {
                throw refuse(request, "belongs to enrollment " + bound.get() + ", not to " + id);
            }
            if (bound.isEmpty()) {
                requireOpenToNewIdentity(request);
            }
            CheckinReply reply = next.checkin(request, message);
            if (reply.status() / 100 == 2 && bound.isEmpty()) {
                bindings.bindIfUnbound(request.identity(), id); // the over-the-air identity is this enrollment's now
            }
            return reply;
        }
    }

    @Override
    public Optional<Command> report(MdmRequest request, CommandResult result) {
        requireCurrent(request);
        return next.report(request, result);
    }

    /**
     * The fingerprint of the identity the enrollment last authenticated with; empty when it never did. A read: the
     * record is not written back (an unlock would serialize it to see whether it changed, on every request).
     */
    private Optional<String> current(String enrollmentId) {
        return registry.find(enrollmentId).map(d -> d.read(r -> r.identityFingerprint));
    }

    /** An over-the-air identity may enroll a UDID only when no enrollment of it is managed with another identity. */
    private void requireOpenToNewIdentity(MdmRequest request) {
        String id = request.enrollmentId();
        String fingerprint = Certificates.sha256Fingerprint(request.identity());
        Optional<String> current = current(id);
        if (current.isEmpty() || current.get().equals(fingerprint)) {
            return;
        }
        String where = management.apply(id).orElse("CHECKED_OUT");
        if (!OPEN_TO_NEW_IDENTITY.contains(where)) {
            throw refuse(request, "was issued over the air, and " + id + " is enrolled (" + where
                    + ") with another identity (expected: the device's own identity; to enroll it again, a new"
                    + " MachineInfo for this UDID, or a CheckOut, retire or wipe first)");
        }
    }

    private void requireCurrent(MdmRequest request) {
        String id = request.enrollmentId();
        String fingerprint = Certificates.sha256Fingerprint(request.identity());
        Optional<String> current = current(id);
        if (current.isPresent() && current.get().equals(fingerprint)) {
            return;
        }
        Optional<String> bound = bindings.boundTo(request.identity());
        if (bound.isPresent() && !bound.get().equals(id)) {
            throw refuse(request, "belongs to enrollment " + bound.get() + ", not to " + id);
        }
        if (current.isPresent() && bindings.isSuccessor(id, request.identity())) {
            registry.find(id).ifPresent(d -> {
                d.lock();
                try {
                    d.identityFingerprint = fingerprint; // the renewed identity takes over at its first use
                } finally {
                    d.unlock();
                }
            });
            return;
        }
        if (current.isPresent() && bound.isPresent()) {
            throw refuse(request, "is not the identity " + id + " last authenticated with (expected: the identity of"
                    + " its current enrollment)");
        }
        throw new UnrecognizedDeviceException("identity certificate " + describe(request.identity())
                + " is unknown to enrollment " + id + ": it never authenticated as " + id
                + " (expected: an Authenticate check-in with this certificate first)");
    }

    private static UnrecognizedDeviceException refuse(MdmRequest request, String why) {
        String msg = "identity certificate " + describe(request.identity()) + " " + why;
        LOG.log(System.Logger.Level.WARNING, msg);
        return new UnrecognizedDeviceException(msg);
    }

    private static String describe(X509Certificate cert) {
        return "'" + cert.getSubjectX500Principal().getName() + "' (serial " + cert.getSerialNumber().toString(16) + ")";
    }
}
