/**
 * Apple's tables, one copy for the simulator: {@code DeviceCatalog} (models and releases, read from devices.json),
 * {@code SkipKeys} (the skip keys of skipkeys.yaml and those after it, from skipkeys.json) and {@code
 * DeviceIdentifiers} (serial numbers and IMEIs as Apple makes them). Uses nothing.
 */
package io.mdmsim.core.catalog;
