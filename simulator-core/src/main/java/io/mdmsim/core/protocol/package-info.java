/**
 * The MDM protocol's messages as types: the sealed {@code CheckinMessage} with one record per Apple
 * {@code mdm/checkin/*.yaml} message and {@code CheckinCodec}; {@code Command} and the {@code Commands} builders,
 * {@code CommandResult}, {@code CommandStatus}, {@code ErrorChainItem}; {@code ProtocolException} and its kinds.
 * Uses {@code plist} and {@code error}.
 */
package io.mdmsim.core.protocol;
