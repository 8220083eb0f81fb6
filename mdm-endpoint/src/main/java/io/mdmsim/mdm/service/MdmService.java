package io.mdmsim.mdm.service;

import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.mdm.MdmServer;
import java.util.Optional;

/**
 * The MDM protocol behaviour behind the thin HTTP handlers (nanomdm's split): check-in messages
 * (AppleDoc:check-in) and command reports (AppleDoc:sending-mdm-commands-to-a-device). Cross-cutting rules such as
 * certificate binding are decorators around this interface, stacked in {@link MdmServer}.
 *
 * <p>Implementations throw {@link UnrecognizedDeviceException} to make the device unenroll.
 */
public interface MdmService {

    CheckinReply checkin(MdmRequest request, CheckinMessage message);

    /** Records the report and returns the next command for the device, or empty to end the session. */
    Optional<Command> report(MdmRequest request, CommandResult result);
}
