/**
 * The RequestTypes a device understands: {@code CommandHandlers} maps each to a {@code CommandHandler} ({@code
 * AppHandlers}, {@code InformationHandlers} with {@code DeviceQueries}, {@code LifecycleHandlers}, {@code
 * ProfileHandlers}, {@code SettingsHandler}, {@code CellularPlans}); {@code CommandRequirements} (what iOS requires
 * before it runs a command) and {@code CommandFields} (typed reads of a command's keys).
 *
 * <p>May use {@code runtime}, {@code net}, {@code model}, the API package and simulator-core.
 */
package io.mdmsim.device.commands;
