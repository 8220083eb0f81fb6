package io.mdmsim.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files, both directions (Netty's pattern): what the code writes must be the file byte for byte, and what the
 * code reads from the file must be the value it was written from (the test checks that side). After a deliberate
 * change of the wire format, run the test with {@code -Dgolden.update=true} to write the files again, then review the
 * diff.
 */
public final class GoldenFiles {

    private GoldenFiles() {
    }

    /** The golden file's bytes; fails (with how to create it) when it does not exist. */
    public static byte[] read(Path file) {
        if (!Files.exists(file)) {
            throw new AssertionError("no golden file " + file.toAbsolutePath()
                    + " (expected: run once with -Dgolden.update=true to write it, then review it)");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code written} is the golden file, byte for byte (or becomes it under {@code -Dgolden.update=true}). */
    public static void assertWritten(Path file, byte[] written) {
        if (Boolean.getBoolean("golden.update")) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.write(file, written);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertEquals(new String(read(file), StandardCharsets.UTF_8), new String(written, StandardCharsets.UTF_8),
                "what the code writes differs from the golden file " + file);
    }
}
