package io.mdmsim.abm.inventory;

import io.mdmsim.core.catalog.DeviceCatalog;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.state.AbmState;
import java.time.LocalDate;

/**
 * The fixed facts of one device in the organization's inventory (what Apple knows from the order), as opposed to its
 * assignment state, which {@link AbmState} keeps. {@code imei} is null for devices without a cellular modem;
 * {@code assetTag} is null unless an imported inventory gave one.
 */
public record InventoryDevice(String serialNumber, DeviceCatalog.Model model, String color, int capacityGb, String description,
        String osVersion, String buildVersion, String udid, String imei, String orderNumber, LocalDate purchaseDate,
        String assetTag) {

    public InventoryDevice {
        requireNonNull(serialNumber, "serialNumber");
        requireNonNull(model, "model");
        requireNonNull(color, "color");
        requireNonNull(description, "description");
        requireNonNull(osVersion, "osVersion");
        requireNonNull(buildVersion, "buildVersion");
        requireNonNull(udid, "udid");
        requireNonNull(orderNumber, "orderNumber");
        requireNonNull(purchaseDate, "purchaseDate");
    }

    public String productType() {
        return model.productType();
    }

    public DeviceCatalog.Family family() {
        return model.family();
    }
}
