package io.mdmsim.core.security;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Keys, tokens and state belong to the user who runs the simulator: directories 0700, files 0600 (on file systems
 * without POSIX permissions, as the platform allows).
 */
public final class PrivateFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} (and missing parents) and makes it 0700; an existing directory is made 0700 too. */
    public static Path directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (POSIX) {
            Files.setPosixFilePermissions(dir, DIR);
        }
        return dir;
    }

    /** Makes an existing file 0600. */
    public static Path restrict(Path file) throws IOException {
        if (POSIX && Files.exists(file)) {
            Files.setPosixFilePermissions(file, FILE);
        }
        return file;
    }

    /**
     * Writes {@code content} to {@code file} so that no other user can read it at any moment: a 0600 file next to it,
     * then moved into place atomically. Parent directories that are missing are created 0700.
     */
    public static Path write(Path file, byte[] content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            directory(parent);
        }
        Path tmp = POSIX
                ? Files.createTempFile(parent, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(FILE))
                : Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }
}
