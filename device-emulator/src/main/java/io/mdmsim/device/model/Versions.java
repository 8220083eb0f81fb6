package io.mdmsim.device.model;

/** Dotted OS versions ("17.5.1", "4.2.6") compared numerically, missing parts counting as 0. */
public final class Versions {

    private Versions() {
    }

    /** True when {@code actual} is {@code required} or later. */
    public static boolean atLeast(String actual, String required) {
        return compare(actual, required) >= 0;
    }

    /** Numerically, as {@link io.mdmsim.core.catalog.DeviceCatalog#compareVersions}. */
    public static int compare(String a, String b) {
        return io.mdmsim.core.catalog.DeviceCatalog.compareVersions(a, b);
    }
}
