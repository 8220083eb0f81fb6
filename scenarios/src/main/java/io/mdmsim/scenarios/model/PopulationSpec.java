package io.mdmsim.scenarios.model;

import static java.util.Objects.requireNonNull;

import io.mdmsim.device.Behaviour;
import java.net.URI;

/**
 * A population of a scenario: devices that behave alike.
 *
 * @param name       its name in expectations and reports
 * @param count      how many devices; null: all that fit (from an inventory), or 1 for a named device
 * @param models     model shares as 'mdmsim devices --models' takes them, or null for all
 * @param os         OS shares as '--os' takes them, or null
 * @param ipadShare  share of iPads, or null
 * @param device     one named device instead of drawn ones, or null
 * @param ota        over-the-air enrollment instead of automated device enrollment
 * @param profileUrl over the air: where devices download the profile, null for the MDM's default
 * @param language   the language chosen in Setup Assistant
 * @param behaviour  the knobs of 'mdmsim devices'
 * @param where      where the population is written
 */
public record PopulationSpec(String name, Integer count, String models, String os, Double ipadShare,
                             NamedDevice device, boolean ota, URI profileUrl, String language, Behaviour behaviour,
                             Where where) {

    public PopulationSpec {
        requireNonNull(name, "name");
        requireNonNull(language, "language");
        requireNonNull(behaviour, "behaviour");
        requireNonNull(where, "where");
    }

    /** One named device: its serial, model (product type or name, null for any) and OS version (null for any). */
    public record NamedDevice(String serial, String model, String os) {
        public NamedDevice {
            requireNonNull(serial, "serial");
        }
    }
}
