package io.mdmsim.device;

import io.mdmsim.core.catalog.DeviceCatalog;
import io.mdmsim.core.catalog.DeviceIdentifiers;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.catalog.DeviceCatalog.Family;
import io.mdmsim.core.catalog.DeviceCatalog.Model;
import io.mdmsim.core.catalog.DeviceCatalog.OsRelease;
import io.mdmsim.core.seed.Seeds;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A population of devices: how many, which models and which OS versions in what shares, and how their users and network
 * behave. {@link #devices(long)} makes the devices (new serial numbers) from a seed; {@link #selectFrom} picks them from
 * an existing inventory (the fake ABM's) instead. The same seed always gives the same devices.
 *
 * <p>A device's model is drawn first (by the model shares, or iPad versus iPhone by {@code ipadShare}), then its OS
 * among the releases that model runs (by the OS shares). Models that run none of the requested releases are left out.
 *
 * @param count      how many devices, 1..1,000,000
 * @param models     model shares; empty = every catalog model by how common it is. A selector is a product type
 *                   ("iPhone15,2"), a marketing name ("iPhone 14 Pro"), a family ("iPhone", "iPad") or a prefix of
 *                   either ending in '*' ("iPad Pro*")
 * @param osVersions OS shares; empty = recent releases weigh most. A selector is a major ("17"), a minor that includes
 *                   its patch releases ("17.5": 17.5 and 17.5.1) or an exact release ("17.5.1")
 * @param ipadShare  share of iPads (0..1), or null to let the model shares decide
 * @param behaviour  the knobs for these devices
 */
public record Population(int count, List<Share> models, List<Share> osVersions, Double ipadShare, Behaviour behaviour) {

    public static final int MAX_COUNT = 1_000_000;

    /** Default OS shares by major: most fleets run recent releases. */
    private static final Map<Integer, Double> DEFAULT_MAJOR_WEIGHTS = Map.of(11, 1.0, 12, 2.0, 13, 2.0, 14, 3.0, 15, 6.0,
            16, 12.0, 17, 28.0, 18, 46.0);

    /**
     * One selector and its relative weight.
     *
     * @param selector what it matches (see {@link Population})
     * @param weight   relative weight, &gt; 0
     */
    public record Share(String selector, double weight) {
        public Share {
            requireNonNull(selector, "selector");
            if (selector.isBlank()) {
                throw new IllegalArgumentException("selector: blank (expected: e.g. iPhone15,2, iPad or 17.5)");
            }
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("weight of " + selector + ": " + weight + " (expected: > 0)");
            }
        }

        /**
         * Parses "iPhone15,2=3,iPad=1" or "17=60,18=40": comma-separated selectors, each with an optional "=weight"
         * (default 1). A product type's own comma is recognised ("iPhone15,2" is one selector).
         */
        public static List<Share> parseList(String text) {
            requireNonNull(text, "text");
            List<String> tokens = new ArrayList<>();
            for (String t : text.split(",")) {
                String s = t.strip();
                if (!tokens.isEmpty() && s.matches("\\d+(=.*)?") && tokens.getLast().matches(".*[A-Za-z]\\d+")) {
                    tokens.set(tokens.size() - 1, tokens.getLast() + "," + s);
                } else {
                    tokens.add(s);
                }
            }
            List<Share> shares = new ArrayList<>();
            for (String token : tokens) {
                if (token.isEmpty()) {
                    throw new IllegalArgumentException("empty entry in '" + text
                            + "' (expected: comma-separated selectors such as iPhone15,2=3,iPad)");
                }
                int eq = token.lastIndexOf('=');
                if (eq < 0) {
                    shares.add(new Share(token, 1));
                    continue;
                }
                String weight = token.substring(eq + 1).strip();
                try {
                    shares.add(new Share(token.substring(0, eq).strip(), Double.parseDouble(weight)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("weight of " + token.substring(0, eq).strip() + ": " + weight
                            + " (expected: a number > 0)");
                }
            }
            return List.copyOf(shares);
        }
    }

    public Population {
        requireNonNull(models, "models");
        requireNonNull(osVersions, "osVersions");
        requireNonNull(behaviour, "behaviour");
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1.." + MAX_COUNT + ")");
        }
        if (ipadShare != null && !(ipadShare >= 0 && ipadShare <= 1)) {
            throw new IllegalArgumentException("ipadShare: " + ipadShare + " (expected: a share 0..1)");
        }
        models = List.copyOf(models);
        osVersions = List.copyOf(osVersions);
        plan(models, osVersions, ipadShare); // fails now, with the reason, if no device could be made
    }

    /** {@code count} devices of every catalog model and recent releases, default behaviour. */
    public static Population of(int count) {
        return builder().count(count).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** New devices with serials, OS versions and builds drawn from {@code seed}; index i always gets the same device. */
    public List<DeviceSpec> devices(long seed) {
        Plan plan = plan(models, osVersions, ipadShare);
        List<DeviceSpec> out = new ArrayList<>(count);
        Set<String> serials = new HashSet<>();
        for (int i = 0; i < count; i++) {
            SplittableRandom random = new SplittableRandom(mix(seed, "population/" + i));
            Model model = plan.drawModel(random);
            OsRelease release = plan.drawRelease(model, random);
            String serial;
            do {
                serial = DeviceIdentifiers.serial(model, model.colors().get(random.nextInt(model.colors().size())),
                        model.capacitiesGb().get(random.nextInt(model.capacitiesGb().size())),
                        model.released().plusDays(random.nextInt(540)), random);
            } while (!serials.add(serial));
            out.add(new DeviceSpec(serial, model.productType(), model.name(), release.version(), release.build()));
        }
        return out;
    }

    /**
     * Up to {@code count} devices of {@code inventory} that fit this population, in inventory order: models filtered by
     * the model shares, iPads versus iPhones by {@code ipadShare}, which ones picked by {@code seed}. When OS shares
     * are given each picked device gets a release drawn from them (among those its model runs; devices that run none
     * are left out); otherwise it keeps its inventory OS.
     */
    public List<DeviceSpec> selectFrom(List<DeviceSpec> inventory, long seed) {
        requireNonNull(inventory, "inventory");
        Plan plan = plan(models, osVersions, ipadShare);
        List<DeviceSpec> fitting = new ArrayList<>();
        for (DeviceSpec d : inventory) {
            if (plan.accepts(d)) {
                fitting.add(d);
            }
        }
        Comparator<DeviceSpec> byLot = Comparator.comparingLong(d -> mix(seed, "select/" + d.serialNumber()));
        List<DeviceSpec> shuffled = fitting.stream().sorted(byLot).toList();
        Set<DeviceSpec> picked = new HashSet<>();
        if (ipadShare == null) {
            shuffled.stream().limit(count).forEach(picked::add);
        } else {
            long ipads = Math.round(count * ipadShare);
            shuffled.stream().filter(d -> family(d) == Family.IPAD).limit(ipads).forEach(picked::add);
            shuffled.stream().filter(d -> family(d) == Family.IPHONE).limit(count - ipads).forEach(picked::add);
        }
        List<DeviceSpec> out = new ArrayList<>(picked.size());
        for (DeviceSpec d : fitting) {
            if (!picked.contains(d)) {
                continue;
            }
            if (osVersions.isEmpty()) {
                out.add(d);
            } else {
                SplittableRandom random = new SplittableRandom(mix(seed, "select-os/" + d.serialNumber()));
                OsRelease r = plan.drawRelease(DeviceCatalog.model(d.productType()).orElseThrow(), random);
                out.add(new DeviceSpec(d.serialNumber(), d.productType(), d.model(), r.version(), r.build()));
            }
        }
        return out;
    }

    /** Models with their weights (per family) and the weighted releases each runs. */
    private static Plan plan(List<Share> models, List<Share> osVersions, Double ipadShare) {
        Map<Model, Double> modelWeights = new LinkedHashMap<>();
        if (models.isEmpty()) {
            DeviceCatalog.models().forEach(m -> modelWeights.put(m, (double) m.weight()));
        } else {
            for (Share s : models) {
                List<Model> matched = DeviceCatalog.models().stream().filter(m -> matchesModel(s.selector(), m))
                        .toList();
                if (matched.isEmpty()) {
                    throw new IllegalArgumentException("models: " + s.selector() + " matches no model in the catalog"
                            + " (expected: a product type such as iPhone15,2, a name such as \"iPhone 14 Pro\","
                            + " iPhone, iPad, or a prefix ending in *)");
                }
                double total = matched.stream().mapToDouble(Model::weight).sum();
                matched.forEach(m -> modelWeights.merge(m, s.weight() * m.weight() / total, Double::sum));
            }
        }
        Map<OsRelease, Double> releaseWeights = new LinkedHashMap<>();
        if (osVersions.isEmpty()) {
            Map<Integer, Long> perMajor = new LinkedHashMap<>();
            DeviceCatalog.releases().forEach(r -> perMajor.merge(r.major(), 1L, Long::sum));
            DeviceCatalog.releases().forEach(r -> releaseWeights.put(r,
                    DEFAULT_MAJOR_WEIGHTS.getOrDefault(r.major(), 1.0) / perMajor.get(r.major())));
        } else {
            for (Share s : osVersions) {
                List<OsRelease> matched = DeviceCatalog.releases().stream()
                        .filter(r -> matchesRelease(s.selector(), r)).toList();
                if (matched.isEmpty()) {
                    throw new IllegalArgumentException("osVersions: " + s.selector() + " matches no release in the"
                            + " catalog (expected: a major such as 17, a minor such as 17.5 or a release such as"
                            + " 17.5.1, between " + DeviceCatalog.releases().getFirst().version() + " and "
                            + DeviceCatalog.releases().getLast().version() + ")");
                }
                matched.forEach(r -> releaseWeights.merge(r, s.weight() / matched.size(), Double::sum));
            }
        }
        modelWeights.keySet().removeIf(m -> releaseWeights.keySet().stream().noneMatch(m::runs));
        if (modelWeights.isEmpty()) {
            throw new IllegalArgumentException("no model among " + describe(models, "every model")
                    + " runs any release among " + describe(osVersions, "the default releases"));
        }
        if (ipadShare != null) {
            for (Family f : Family.values()) {
                double share = f == Family.IPAD ? ipadShare : 1 - ipadShare;
                if (share > 0 && modelWeights.keySet().stream().noneMatch(m -> m.family() == f)) {
                    throw new IllegalArgumentException("ipadShare: " + ipadShare + " asks for " + f.wire()
                            + "s but no " + f.wire() + " among " + describe(models, "every model")
                            + " runs any release among " + describe(osVersions, "the default releases"));
                }
            }
        }
        return new Plan(models, osVersions, ipadShare, modelWeights, releaseWeights);
    }

    private record Plan(List<Share> models, List<Share> osVersions, Double ipadShare, Map<Model, Double> modelWeights,
                        Map<OsRelease, Double> releaseWeights) {

        Model drawModel(SplittableRandom random) {
            Family family = null;
            if (ipadShare != null) {
                family = random.nextDouble() < ipadShare ? Family.IPAD : Family.IPHONE;
            }
            Family f = family;
            return weighted(modelWeights.entrySet().stream().filter(e -> f == null || e.getKey().family() == f)
                    .toList(), random);
        }

        OsRelease drawRelease(Model model, SplittableRandom random) {
            return weighted(releaseWeights.entrySet().stream().filter(e -> model.runs(e.getKey())).toList(), random);
        }

        boolean accepts(DeviceSpec d) {
            Model m = DeviceCatalog.model(d.productType()).orElse(null);
            if (m == null) {
                // not in the catalog: only a family or its exact product type can select it, and it keeps its OS
                return osVersions.isEmpty() && (models.isEmpty() || models.stream().anyMatch(
                        s -> s.selector().equalsIgnoreCase(d.productType()) || s.selector().equalsIgnoreCase(d.family())));
            }
            return modelWeights.containsKey(m);
        }
    }

    private static <T> T weighted(List<Map.Entry<T, Double>> entries, SplittableRandom random) {
        double total = entries.stream().mapToDouble(Map.Entry::getValue).sum();
        double u = random.nextDouble() * total;
        for (Map.Entry<T, Double> e : entries) {
            u -= e.getValue();
            if (u < 0) {
                return e.getKey();
            }
        }
        return entries.getLast().getKey();
    }

    static boolean matchesModel(String selector, Model m) {
        String s = selector.strip();
        if (s.endsWith("*")) {
            String prefix = s.substring(0, s.length() - 1).toLowerCase(Locale.ROOT);
            return m.name().toLowerCase(Locale.ROOT).startsWith(prefix)
                    || m.productType().toLowerCase(Locale.ROOT).startsWith(prefix);
        }
        return s.equalsIgnoreCase(m.productType()) || s.equalsIgnoreCase(m.name())
                || s.equalsIgnoreCase(m.family().wire());
    }

    static boolean matchesRelease(String selector, OsRelease r) {
        String s = selector.strip();
        if (!s.matches("\\d+(\\.\\d+){0,2}")) {
            throw new IllegalArgumentException("osVersions: " + s + " (expected: a major such as 17, a minor such as"
                    + " 17.5 or a release such as 17.5.1)");
        }
        int parts = s.split("\\.").length;
        return switch (parts) {
            case 1 -> r.major() == Integer.parseInt(s);
            case 2 -> r.version().equals(s) || r.version().startsWith(s + ".");
            default -> r.version().equals(s);
        };
    }

    private static Family family(DeviceSpec d) {
        return DeviceCatalog.model(d.productType()).map(Model::family)
                .orElse(d.family().equals("iPad") ? Family.IPAD : Family.IPHONE);
    }

    private static String describe(List<Share> shares, String none) {
        return shares.isEmpty() ? none : "[" + String.join(", ", shares.stream().map(Share::selector).toList()) + "]";
    }

    static long mix(long seed, String label) {
        return Seeds.mix(seed, label);
    }

    public static final class Builder {
        private int count = 1;
        private List<Share> models = List.of();
        private List<Share> osVersions = List.of();
        private Double ipadShare;
        private Behaviour behaviour = Behaviour.DEFAULT;

        private Builder() {
        }

        public Builder count(int count) {
            this.count = count;
            return this;
        }

        public Builder models(List<Share> models) {
            this.models = models;
            return this;
        }

        /** Parses {@link Share#parseList}. */
        public Builder models(String text) {
            this.models = Share.parseList(text);
            return this;
        }

        public Builder osVersions(List<Share> osVersions) {
            this.osVersions = osVersions;
            return this;
        }

        /** Parses {@link Share#parseList}. */
        public Builder osVersions(String text) {
            this.osVersions = Share.parseList(text);
            return this;
        }

        public Builder ipadShare(Double ipadShare) {
            this.ipadShare = ipadShare;
            return this;
        }

        public Builder behaviour(Behaviour behaviour) {
            this.behaviour = behaviour;
            return this;
        }

        public Population build() {
            return new Population(count, models, osVersions, ipadShare, behaviour);
        }
    }
}
