package io.mdmsim.mdm.service;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.mdm.enroll.IdentityBindings;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Decorator that ties each identity certificate to one enrollment (nanomdm {@code service/certauth}): Authenticate
 * binds the certificate (or must match the UDID it was issued for); every later message must come with a
 * certificate bound to the enrollment it names. A certificate whose subject CN is the UDID is accepted for that UDID.
 */
public final class CertAuthMdmService implements MdmService {

    private static final System.Logger LOG = System.getLogger(CertAuthMdmService.class.getName());

    private final MdmService next;
    private final IdentityBindings bindings;

    public CertAuthMdmService(MdmService next, IdentityBindings bindings) {
        this.next = requireNonNull(next, "next");
        this.bindings = requireNonNull(bindings, "bindings");
    }

    @Override
    public CheckinReply checkin(MdmRequest request, CheckinMessage message) {
        if (message instanceof Authenticate) {
            String bound = bindings.bindIfUnbound(request.identity(), request.enrollmentId());
            if (!bound.equals(request.enrollmentId())) {
                throw refuse(request, bound);
            }
        } else {
            requireBound(request);
        }
        return next.checkin(request, message);
    }

    @Override
    public Optional<Command> report(MdmRequest request, CommandResult result) {
        requireBound(request);
        return next.report(request, result);
    }

    private void requireBound(MdmRequest request) {
        X509Certificate cert = request.identity();
        Optional<String> bound = bindings.boundTo(cert);
        if (bound.isPresent()) {
            if (!bound.get().equals(request.enrollmentId())) {
                throw refuse(request, bound.get());
            }
            return;
        }
        if (request.enrollmentId() != null && request.enrollmentId().equals(Certificates.commonName(cert))) {
            bindings.bindIfUnbound(cert, request.enrollmentId());
            return;
        }
        throw new UnrecognizedDeviceException("identity certificate " + describe(cert)
                + " was never used to authenticate (expected: an Authenticate check-in with this certificate first)");
    }

    private static UnrecognizedDeviceException refuse(MdmRequest request, String boundTo) {
        String msg = "identity certificate " + describe(request.identity()) + " belongs to enrollment " + boundTo
                + ", not to " + request.enrollmentId();
        LOG.log(System.Logger.Level.WARNING, msg);
        return new UnrecognizedDeviceException(msg);
    }

    private static String describe(X509Certificate cert) {
        return "'" + cert.getSubjectX500Principal().getName() + "' (serial " + cert.getSerialNumber().toString(16) + ")";
    }
}
