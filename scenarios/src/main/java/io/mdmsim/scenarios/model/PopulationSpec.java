package io.mdmsim.scenarios.model;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.catalog.DeviceCatalog;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceSpec;
import java.net.URI;
import java.util.List;

/**
 * A population of a scenario: devices that behave alike.
 *
 * @param name       its name in expectations and reports
 * @param count      how many devices; null: all that fit (from an inventory), or 1 for a named device
 * @param models     model shares as 'mdmsim devices --models' takes them, or null for all
 * @param os         OS shares as '--os' takes them, or null
 * @param ipadShare  share of iPads, or null
 * @param device     one named device instead of drawn ones, or null
 * @param organization the ABM organization its devices belong to, by name; null for the first
 * @param ota        over-the-air enrollment instead of automated device enrollment
 * @param profileUrl over the air: where devices download the profile, null for the MDM's default
 * @param behaviour  the knobs of 'mdmsim devices'
 * @param where      where the population is written
 */
public record PopulationSpec(String name, Integer count, String models, String os, Double ipadShare,
                             NamedDevice device, String organization, boolean ota, URI profileUrl, Behaviour behaviour,
                             Where where) {

    public PopulationSpec {
        requireNonNull(name, "name");
        requireNonNull(behaviour, "behaviour");
        requireNonNull(where, "where");
    }

    /** One named device: its serial, model (product type or name, null for any) and OS version (null for any). */
    public record NamedDevice(String serial, String model, String os) {
        public NamedDevice {
            requireNonNull(serial, "serial");
        }

        /**
         * The device: its model by product type or marketing name (default iPhone 14 Pro), its OS (default the newest
         * the model runs); an IllegalArgumentException names what the catalog does not have.
         */
        public DeviceSpec spec() {
            DeviceCatalog.Model m = model(model == null ? "iPhone15,2" : model);
            DeviceCatalog.OsRelease release = os == null ? DeviceCatalog.releasesFor(m).getLast()
                    : DeviceCatalog.release(os).orElseThrow(() -> new IllegalArgumentException("os: " + os
                            + " is not a release in the device catalog (expected: e.g. 17.5.1)"));
            if (!m.runs(release)) {
                List<DeviceCatalog.OsRelease> runs = DeviceCatalog.releasesFor(m);
                throw new IllegalArgumentException("os: " + os + " does not run on " + m.name() + " (expected: "
                        + runs.getFirst().version() + " .. " + runs.getLast().version() + ")");
            }
            return new DeviceSpec(serial, m.productType(), m.name(), release.version(), release.build());
        }

        private static DeviceCatalog.Model model(String text) {
            return DeviceCatalog.model(text).or(() -> DeviceCatalog.models().stream()
                    .filter(x -> x.name().equalsIgnoreCase(text)).findFirst())
                    .orElseThrow(() -> new IllegalArgumentException("model: " + text + " is not in the device catalog"
                            + " (expected: a product type such as iPhone15,2 (quoted inside {...}: \"iPhone15,2\") or a"
                            + " name such as iPhone 14 Pro)"));
        }
    }
}
