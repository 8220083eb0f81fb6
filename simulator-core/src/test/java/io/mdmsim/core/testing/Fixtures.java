package io.mdmsim.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test resources of simulator-core, as files. */
public final class Fixtures {
    private Fixtures() {}

    /**
     * The folder of plist fixtures made by Python's plistlib and plistutil (see its {@code make_fixtures.py}):
     * {@code <name>.python.xml}, {@code .python.bin}, {@code .plistutil.xml}, {@code .plistutil.bin} and
     * {@code <name>.expected.json} (the content as {@link TaggedPlist}).
     */
    public static Path plistFixtures() {
        return resource("io/mdmsim/core/plist/fixtures");
    }

    /** A fixture file's bytes, e.g. {@code bytes("tokenupdate.python.bin")}. */
    public static byte[] plistFixture(String name) {
        try {
            return Files.readAllBytes(plistFixtures().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String name) {
        URL url = Fixtures.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " not found on the class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("test resource " + name + " is not a file (" + url + ")", e);
        }
    }
}
