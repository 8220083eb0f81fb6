package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where and for which devices the fleet writes traces: one JSON-lines file per device, {@code <dir>/<serial>.jsonl},
 * holding every message the device sent and received (raw plists as text, binary bodies as base64, headers, status,
 * timing) and what it did in between (pushes, restarts, erases). {@code mdmsim devices replay} runs a device again
 * from its trace.
 *
 * @param dir         the folder, created if missing
 * @param mode        {@link Mode#FAILED}: keep the traces of devices that did not enroll; {@link Mode#ALL}: every trace
 * @param bufferBytes how much of a trace a device keeps in memory before it appends to its file (bounds the memory of
 *                    a long-lived device); 4 KiB..64 MiB
 */
public record TraceOptions(Path dir, Mode mode, int bufferBytes) {

    /** Which traces are kept. */
    public enum Mode { FAILED, ALL }

    public static final int DEFAULT_BUFFER_BYTES = 256 * 1024;

    public TraceOptions {
        requireNonNull(dir, "dir");
        requireNonNull(mode, "mode");
        if (bufferBytes < 4096 || bufferBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("bufferBytes: " + bufferBytes + " (expected: 4096..67108864)");
        }
    }

    public static TraceOptions failed(Path dir) {
        return new TraceOptions(dir, Mode.FAILED, DEFAULT_BUFFER_BYTES);
    }

    public static TraceOptions all(Path dir) {
        return new TraceOptions(dir, Mode.ALL, DEFAULT_BUFFER_BYTES);
    }

    /** The trace file of a device. */
    public Path file(String serialNumber) {
        return dir.resolve(serialNumber.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
    }
}
