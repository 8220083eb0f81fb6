package io.mdmsim.mdm.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory of one server: private (0700), its files private (0600), and locked ({@value #LOCK_FILE}) for
 * as long as the server runs, so a second server on the same directory is refused instead of writing over the first.
 * The operating system drops the lock when the process ends, however it ends.
 */
final class DataDirectory implements AutoCloseable {

    static final String LOCK_FILE = "mdm.lock";
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if needed, makes it private and locks it.
     *
     * @throws StoreException if it is not a directory, cannot be made, or another server holds it
     */
    static DataDirectory lock(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs) && !Files.isDirectory(abs)) {
                throw new StoreException("data directory " + abs + " is a file (expected: a directory, or a path"
                        + " that does not exist yet)");
            }
            Files.createDirectories(abs);
            restrict(abs, DIRECTORY_MODE);
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + abs + ": " + e, e);
        }
        Path lockFile = abs.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            createPrivate(lockFile);
            channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot open " + lockFile + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = holder(lockFile);
            close(channel);
            throw new StoreException("data directory " + abs + " is in use by another MDM server" + holder
                    + " (expected: one server per data directory; stop it or choose another --data-dir)");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)));
            channel.force(false);
        } catch (IOException e) {
            close(channel);
            throw new StoreException("cannot write " + lockFile + ": " + e, e);
        }
        return new DataDirectory(abs, channel, lock);
    }

    Path dir() {
        return dir;
    }

    /** Creates {@code file} with mode 0600 if it does not exist, and makes it 0600 if it does. */
    static void createPrivate(Path file) throws IOException {
        try {
            if (supportsPosix(file.getParent())) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // kept, made private below
        }
        restrict(file, FILE_MODE);
    }

    private static void restrict(Path p, Set<PosixFilePermission> mode) throws IOException {
        if (supportsPosix(p) && !Files.getPosixFilePermissions(p).equals(mode)) {
            Files.setPosixFilePermissions(p, mode);
        }
    }

    private static boolean supportsPosix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static String holder(Path lockFile) {
        try {
            String pid = Files.readString(lockFile, StandardCharsets.US_ASCII).trim();
            return pid.matches("[0-9]{1,10}") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing held
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close releases it too
        }
        close(lockChannel);
    }
}
