package io.mdmsim.mdm.service;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.model.DeviceError;
import io.mdmsim.mdm.policy.PolicyService;
import java.util.Optional;

/**
 * Decorator that applies the enrollment policy at Authenticate to devices that enrolled without a MachineInfo (over
 * the air): only there does the server learn their serial number and IMEI, so a personally owned device that is not
 * in the corporate identifiers (or a blocked platform, for a profile installed from a file) is refused with 403 and
 * the policy's error body (docs/mdm-endpoint.md "Enrollment policy"). Devices whose MachineInfo was checked pass straight through.
 */
public final class PolicyMdmService implements MdmService {

    private final MdmService next;
    private final PolicyService policy;
    private final MdmConfig.ErrorBodyFormat format;

    public PolicyMdmService(MdmService next, PolicyService policy, MdmConfig.ErrorBodyFormat format) {
        this.next = requireNonNull(next, "next");
        this.policy = requireNonNull(policy, "policy");
        this.format = requireNonNull(format, "format");
    }

    @Override
    public CheckinReply checkin(MdmRequest request, CheckinMessage message) {
        if (message instanceof Authenticate a) {
            Optional<DeviceError> refusal = policy.checkEnrollment(new PolicyService.EnrollmentRequest(
                    PolicyService.Channel.AUTHENTICATE, request.enrollmentId(), a.serialNumber(), a.imei(),
                    a.productName(), null));
            if (refusal.isPresent()) {
                HttpResponse r = refusal.get().toResponse(format);
                return new CheckinReply(r.status(), r.header("Content-Type"), r.body());
            }
        }
        return next.checkin(request, message);
    }

    @Override
    public Optional<Command> report(MdmRequest request, CommandResult result) {
        return next.report(request, result);
    }
}
