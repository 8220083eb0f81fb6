package io.mdmsim.scenarios.run;

import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.Population;
import io.mdmsim.scenarios.model.PopulationSpec;
import io.mdmsim.scenarios.model.Scenario;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Which devices a scenario runs, population by population. Without an inventory of its own ({@code world.abm.devices}
 * or {@code inventory}) the devices are made from the populations and the seed, and the fake ABM is given exactly
 * those (automated enrollment) — over-the-air populations are devices Apple does not know. With an inventory, the
 * populations pick their devices from it, each from what the earlier ones left.
 */
final class DevicePlan {

    /** One device of the run, with the population it belongs to. */
    record Device(DeviceSpec spec, PopulationSpec population) { }

    private DevicePlan() {
    }

    /** True when the populations make the fake ABM's inventory (no inventory of the scenario's own). */
    static boolean madeFromPopulations(Scenario s) {
        return s.world().abm().devices() == null && s.world().abm().inventory() == null;
    }

    /** The devices the populations make from the seed, in population order (for an inventory made from them). */
    static List<Device> make(Scenario s) {
        List<Device> out = new ArrayList<>();
        Set<String> serials = new HashSet<>();
        for (int k = 0; k < s.populations().size(); k++) {
            PopulationSpec p = s.populations().get(k);
            List<DeviceSpec> specs = p.device() != null ? List.of(p.device().spec())
                    : population(p, p.count() == null ? 1 : p.count()).devices(seedOf(s.seed(), k));
            for (DeviceSpec d : specs) {
                if (!serials.add(d.serialNumber())) {
                    throw new IllegalStateException("two devices of the scenario have the serial number "
                            + d.serialNumber() + " (population " + p.name() + "); name the device differently or"
                            + " change the seed");
                }
                out.add(new Device(d, p));
            }
        }
        return out;
    }

    /**
     * The devices the populations pick from an inventory (the fake ABM's devices assigned to an MDM server), each
     * from what the earlier ones left; named devices not in the inventory are returned in {@code missing}.
     */
    static List<Device> pick(Scenario s, List<DeviceSpec> inventory, List<DeviceSpec> missing) {
        List<DeviceSpec> left = new ArrayList<>(inventory);
        List<Device> out = new ArrayList<>();
        for (int k = 0; k < s.populations().size(); k++) {
            PopulationSpec p = s.populations().get(k);
            if (p.device() != null) {
                DeviceSpec named = left.stream().filter(d -> d.serialNumber().equals(p.device().serial())).findFirst()
                        .orElse(null);
                if (named == null) {
                    named = p.device().spec();
                    missing.add(named);
                } else {
                    left.remove(named);
                }
                out.add(new Device(named, p));
                continue;
            }
            if (p.ota()) {
                // over the air: devices Apple does not know, made from the seed
                population(p, p.count() == null ? 1 : p.count()).devices(seedOf(s.seed(), k))
                        .forEach(d -> out.add(new Device(d, p)));
                continue;
            }
            if (left.isEmpty()) {
                continue;
            }
            List<DeviceSpec> picked = population(p, p.count() == null ? left.size() : p.count())
                    .selectFrom(left, seedOf(s.seed(), k));
            left.removeAll(picked);
            picked.forEach(d -> out.add(new Device(d, p)));
        }
        return out;
    }

    /**
     * The order devices arrive in for an arrival-rate load: populations interleaved by a draw from the seed, so 800
     * iPhones and 200 iPads arrive mixed rather than one population after the other.
     */
    static List<Device> arrivalOrder(List<Device> devices, long seed) {
        Map<String, Long> lot = new LinkedHashMap<>();
        for (Device d : devices) {
            lot.put(d.spec().serialNumber(), new SplittableRandom(seed ^ d.spec().serialNumber().hashCode() * 0x9E3779B97F4A7C15L)
                    .nextLong());
        }
        return devices.stream().sorted(Comparator.comparingLong((Device d) -> lot.get(d.spec().serialNumber()))
                .thenComparing(d -> d.spec().serialNumber())).toList();
    }

    private static Population population(PopulationSpec p, int count) {
        Population.Builder b = Population.builder().count(count).ipadShare(p.ipadShare()).behaviour(p.behaviour());
        if (p.models() != null) {
            b.models(p.models());
        }
        if (p.os() != null) {
            b.osVersions(p.os());
        }
        return b.build();
    }

    /** A population's own seed, so two populations with the same shares get different devices. */
    static long seedOf(long seed, int population) {
        return population == 0 ? seed : new SplittableRandom(seed + 0x9E3779B97F4A7C15L * population).nextLong();
    }
}
