package io.mdmsim.device.internal;

/** Dotted OS versions ("17.5.1", "4.2.6") compared numerically, missing parts counting as 0. */
public final class Versions {

    private Versions() {
    }

    /** True when {@code actual} is {@code required} or later. */
    public static boolean atLeast(String actual, String required) {
        return compare(actual, required) >= 0;
    }

    public static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi = i < x.length ? Integer.parseInt(x[i]) : 0;
            int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }
}
