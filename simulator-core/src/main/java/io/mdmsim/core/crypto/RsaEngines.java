package io.mdmsim.core.crypto;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which {@link RsaEngine} the simulator uses. The system property {@code mdmsim.rsa}, else the environment variable
 * {@code MDMSIM_RSA}: {@code native} (OpenSSL's libcrypto; an error if it cannot be loaded), {@code jdk}, or
 * {@code auto} (the default: native where it loads, else the JDK's). The native engine needs Java 22+ (the
 * foreign-function API) and {@code libcrypto.so.3} (Debian/Ubuntu package libssl3; the property
 * {@code mdmsim.libcrypto} names another file); its class is compiled for Java 22 and is loaded only there.
 */
public final class RsaEngines {
    /** The system property that selects the engine; it wins over {@link #ENV}. */
    public static final String PROPERTY = "mdmsim.rsa";
    /** The environment variable that selects the engine. */
    public static final String ENV = "MDMSIM_RSA";

    private static final String NATIVE_CLASS = "io.mdmsim.core.crypto.NativeRsa";

    private static volatile RsaEngine current;

    private RsaEngines() {}

    /** The engine in use; chosen at first use. RsaException if {@code native} is asked for and cannot load. */
    public static RsaEngine current() {
        RsaEngine engine = current;
        if (engine == null) {
            synchronized (RsaEngines.class) {
                engine = current;
                if (engine == null) {
                    engine = choose(setting());
                    current = engine;
                }
            }
        }
        return engine;
    }

    /** The JDK's engine (always there). */
    public static RsaEngine jdk() {
        return JdkRsa.INSTANCE;
    }

    /** OpenSSL's libcrypto, loaded once; RsaException saying why it is not available (Java 21, no libcrypto, ...). */
    public static RsaEngine nativeEngine() {
        return NativeHolder.ENGINE.orElseThrow();
    }

    /** Whether the native engine loads here. */
    public static boolean nativeAvailable() {
        return NativeHolder.ENGINE.engine != null;
    }

    /** The selection asked for: the property, else the variable, else "auto"; lower case. */
    static String setting() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(ENV);
        }
        return value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    }

    /** The engine for a setting (auto, native, jdk); RsaException for another or for native where it does not load. */
    public static RsaEngine choose(String setting) {
        return switch (setting) {
            case "jdk" -> jdk();
            case "native" -> {
                if (!nativeAvailable()) {
                    RsaException why = NativeHolder.ENGINE.failure;
                    throw new RsaException(ENV + "=native (or -D" + PROPERTY + "=native) asks for the native RSA engine,"
                            + " which did not load: " + why.getMessage(), why);
                }
                yield nativeEngine();
            }
            case "auto" -> nativeAvailable() ? nativeEngine() : jdk();
            default -> throw new RsaException(ENV + "=" + setting + " (expected: auto, native or jdk)");
        };
    }

    /**
     * The arguments a JVM this one starts (a server of a split benchmark, the MDM of a scenario) needs to load the
     * native engine without a warning and to pick the engine this one was asked for.
     */
    public static List<String> childJvmArguments() {
        List<String> args = new ArrayList<>();
        args.add("--enable-native-access=ALL-UNNAMED");
        for (String property : List.of(PROPERTY, "mdmsim.libcrypto")) {
            String value = System.getProperty(property);
            if (value != null) {
                args.add("-D" + property + "=" + value);
            }
        }
        return args;
    }

    /** One line for a part's startup and the benchmarks: the engine and, for the JDK's under auto, why not native. */
    public static String describe() {
        RsaEngine engine = current();
        if (engine == jdk() && !nativeAvailable() && !"jdk".equals(setting())) {
            return engine.description() + "; native RSA unavailable: " + NativeHolder.ENGINE.failure.getMessage();
        }
        return engine.description();
    }

    private record Loaded(RsaEngine engine, RsaException failure) {
        RsaEngine orElseThrow() {
            if (engine == null) {
                throw failure;
            }
            return engine;
        }
    }

    private static final class NativeHolder {
        static final Loaded ENGINE = load();

        private static Loaded load() {
            if (Runtime.version().feature() < 22) {
                return new Loaded(null, new RsaException("the native RSA engine needs Java 22 or newer (the foreign-function"
                        + " API); this is Java " + Runtime.version().feature()));
            }
            try {
                Object engine = Class.forName(NATIVE_CLASS).getMethod("load").invoke(null);
                return new Loaded((RsaEngine) engine, null);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                return new Loaded(null, cause instanceof RsaException r ? r
                        : new RsaException("the native RSA engine did not load: " + cause, cause));
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return new Loaded(null, new RsaException("the native RSA engine did not load: " + e, e));
            }
        }
    }
}
