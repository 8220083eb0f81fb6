package io.mdmsim.abm.admin;

import io.mdmsim.core.catalog.DeviceCatalog;

import io.mdmsim.abm.inventory.Inventory;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.inventory.InventoryGenerator;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CSV files an ABM administrator uploads: an inventory (one device a row, for organizations whose devices are not
 * generated from the seed) and a list of serial numbers to assign. See the README text for the columns.
 */
final class CsvImport {

    /** The inventory columns, in the order the README lists them. */
    static final List<String> INVENTORY_COLUMNS = List.of("serial_number", "product_type", "model", "color",
            "capacity_gb", "description", "os_version", "build_version", "udid", "imei", "order_number",
            "purchase_date", "asset_tag");

    private static final Pattern SERIAL = Pattern.compile("[A-Z0-9]{8,14}");
    private static final Pattern IMEI = Pattern.compile("[0-9]{15}");
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+){0,2}");

    private CsvImport() {
    }

    /**
     * Devices from an inventory CSV with a header row. {@code serial_number} and one of {@code product_type} (e.g.
     * iPhone14,5) or {@code model} (e.g. "iPhone 13") are required; other columns are optional and filled in by
     * {@code generator} when empty.
     */
    static List<InventoryDevice> inventory(byte[] csv, InventoryGenerator generator) {
        List<Csv.Row> rows = Csv.parse(csv);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("empty CSV (expected: a header row, then one device a row)");
        }
        Csv.Row header = rows.getFirst();
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = normalize(header.fields().get(i));
            if (!INVENTORY_COLUMNS.contains(name)) {
                throw new IllegalArgumentException("line " + header.line() + ": unknown column '" + header.fields().get(i)
                        + "' (expected some of: " + String.join(", ", INVENTORY_COLUMNS) + ")");
            }
            if (col.put(name, i) != null) {
                throw new IllegalArgumentException("line " + header.line() + ": column " + name + " appears twice");
            }
        }
        if (!col.containsKey("serial_number") || !col.containsKey("product_type") && !col.containsKey("model")) {
            throw new IllegalArgumentException("line " + header.line()
                    + ": the header needs serial_number and product_type (or model); got " + header.fields());
        }
        List<InventoryDevice> out = new ArrayList<>(rows.size() - 1);
        Set<String> seen = new LinkedHashSet<>();
        for (Csv.Row row : rows.subList(1, rows.size())) {
            if (row.fields().size() > header.fields().size()) {
                throw new IllegalArgumentException("line " + row.line() + ": " + row.fields().size() + " fields (expected: "
                        + header.fields().size() + " as in the header)");
            }
            Field f = new Field(row, col);
            String serial = f.get("serial_number");
            if (serial == null || !SERIAL.matcher(serial.toUpperCase(Locale.ROOT)).matches()) {
                throw new IllegalArgumentException("line " + row.line() + ": serial_number '" + serial
                        + "' (expected: 8 to 14 letters and digits)");
            }
            serial = serial.toUpperCase(Locale.ROOT);
            if (!seen.add(serial)) {
                throw new IllegalArgumentException("line " + row.line() + ": serial " + serial + " appears twice in the file");
            }
            DeviceCatalog.Model model = model(row, f.get("product_type"), f.get("model"));
            Integer capacity = null;
            if (f.get("capacity_gb") != null) {
                try {
                    capacity = Integer.parseInt(f.get("capacity_gb"));
                } catch (NumberFormatException e) {
                    capacity = -1;
                }
                if (capacity < 1 || capacity > 32_767) {
                    throw new IllegalArgumentException("line " + row.line() + ": capacity_gb '" + f.get("capacity_gb")
                            + "' (expected: a whole number of gigabytes, e.g. 128)");
                }
            }
            String os = f.get("os_version");
            if (os != null && !VERSION.matcher(os).matches()) {
                throw new IllegalArgumentException("line " + row.line() + ": os_version '" + os + "' (expected: e.g. 17.5.1)");
            }
            String imei = f.get("imei");
            if (imei != null && !IMEI.matcher(imei).matches()) {
                throw new IllegalArgumentException("line " + row.line() + ": imei '" + imei + "' (expected: 15 digits)");
            }
            String udid = f.get("udid");
            if (udid != null && (udid.length() > 64 || !udid.matches("[0-9A-Fa-f-]+"))) {
                throw new IllegalArgumentException("line " + row.line() + ": udid '" + udid + "' (expected: hex digits and dashes)");
            }
            LocalDate purchased = null;
            if (f.get("purchase_date") != null) {
                try {
                    purchased = LocalDate.parse(f.get("purchase_date"));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("line " + row.line() + ": purchase_date '" + f.get("purchase_date")
                            + "' (expected: YYYY-MM-DD)");
                }
            }
            out.add(generator.complete(serial, model, f.get("color"), capacity, f.get("description"), os,
                    f.get("build_version"), udid == null ? null : udid.toUpperCase(Locale.ROOT), imei,
                    f.get("order_number"), purchased, f.get("asset_tag")));
        }
        return out;
    }

    /**
     * Serial numbers from an assignment CSV: the first column of each row; a first row whose first field is not a
     * serial number (e.g. "Serial Number") is a header.
     */
    static List<String> serials(byte[] csv) {
        List<Csv.Row> rows = Csv.parse(csv);
        List<String> out = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            Csv.Row row = rows.get(r);
            String s = row.fields().getFirst().trim().toUpperCase(Locale.ROOT);
            if (!SERIAL.matcher(s).matches()) {
                if (r == 0) {
                    continue;
                }
                throw new IllegalArgumentException("line " + row.line() + ": '" + row.fields().getFirst()
                        + "' is not a serial number (expected: 8 to 14 letters and digits in the first column)");
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no serial numbers in the CSV (expected: one a row, in the first column)");
        }
        return out;
    }

    private static DeviceCatalog.Model model(Csv.Row row, String productType, String modelName) {
        if (productType != null) {
            DeviceCatalog.Model m = Inventory.model(productType);
            if (m == null) {
                throw new IllegalArgumentException("line " + row.line() + ": product_type '" + productType
                        + "' is not in the device catalog (known: " + String.join(", ",
                        DeviceCatalog.models().stream().map(DeviceCatalog.Model::productType).toList()) + ")");
            }
            return m;
        }
        if (modelName == null) {
            throw new IllegalArgumentException("line " + row.line() + ": product_type or model is required");
        }
        return DeviceCatalog.models().stream().filter(m -> m.name().equalsIgnoreCase(modelName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("line " + row.line() + ": model '" + modelName
                        + "' is not in the device catalog (known: " + String.join(", ",
                        DeviceCatalog.models().stream().map(DeviceCatalog.Model::name).distinct().toList()) + ")"));
    }

    private static String normalize(String header) {
        return header.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    }

    private record Field(Csv.Row row, Map<String, Integer> col) {
        String get(String name) {
            Integer i = col.get(name);
            if (i == null || i >= row.fields().size()) {
                return null;
            }
            String v = row.fields().get(i).trim();
            return v.isEmpty() ? null : v;
        }
    }
}
