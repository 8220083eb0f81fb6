/**
 * The devices ABM knows: {@code Inventory} (columns of primitives, about 60 bytes a device), {@code InventoryDevice}
 * (one device's fixed facts), {@code InventoryGenerator} (seeded), {@code SerialIndex} and {@code StringPool}.
 *
 * <p>May use simulator-core only.
 */
package io.mdmsim.abm.inventory;
