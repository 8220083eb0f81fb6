package io.mdmsim.core.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary plists built byte by byte, to say things no plist writer would: an array that names the same child twice at
 * every level (a DAG whose expansion doubles with each level), as the value of a command report's key.
 */
public final class HostilePlists {

    private HostilePlists() {
    }

    /**
     * A command report {@code {UDID, CommandUUID, Status: Acknowledged, Payload: dag}} whose Payload is {@code depth}
     * levels of {@code [child, child]} over one string: a few hundred bytes that expand to 2^(depth+1) nodes.
     */
    public static byte[] dagReport(String udid, String commandUuid, int depth) {
        // object 0: the dictionary; 1..3 keys' strings and values; then the DAG levels and the leaf
        List<byte[]> objects = new ArrayList<>();
        String[] keys = {"UDID", "CommandUUID", "Status", "Payload"};
        String[] values = {udid, commandUuid, "Acknowledged"};
        int firstKey = 1;
        int firstValue = firstKey + keys.length;
        int firstLevel = firstValue + values.length;
        int leaf = firstLevel + depth;
        int count = leaf + 1;
        if (count > 255) {
            throw new IllegalArgumentException("depth: " + depth + " (expected: <= " + (255 - firstLevel - 1) + ")");
        }
        ByteArrayOutputStream dict = new ByteArrayOutputStream();
        dict.write(0xD0 | keys.length);
        for (int i = 0; i < keys.length; i++) {
            dict.write(firstKey + i);
        }
        for (int i = 0; i < values.length; i++) {
            dict.write(firstValue + i);
        }
        dict.write(firstLevel);
        objects.add(dict.toByteArray());
        for (String k : keys) {
            objects.add(ascii(k));
        }
        for (String v : values) {
            objects.add(ascii(v));
        }
        for (int level = 0; level < depth; level++) {
            int child = firstLevel + level + 1;
            objects.add(new byte[] {(byte) 0xA2, (byte) child, (byte) child});
        }
        objects.add(ascii("x"));
        return binary(objects, 0);
    }

    /** An ASCII string object (marker 0x5n, with an int length when longer than 14). */
    private static byte[] ascii(String s) {
        byte[] text = s.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (text.length < 15) {
            out.write(0x50 | text.length);
        } else {
            out.write(0x5F);
            out.write(0x10);
            out.write(text.length);
        }
        out.writeBytes(text);
        return out.toByteArray();
    }

    /** bplist00 with one-byte object references and two-byte offsets. */
    private static byte[] binary(List<byte[]> objects, int top) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("bplist00".getBytes(StandardCharsets.US_ASCII));
        int[] offsets = new int[objects.size()];
        for (int i = 0; i < objects.size(); i++) {
            offsets[i] = out.size();
            out.writeBytes(objects.get(i));
        }
        int table = out.size();
        for (int o : offsets) {
            out.write(o >> 8);
            out.write(o & 0xFF);
        }
        byte[] trailer = new byte[32];
        trailer[6] = 2; // offset size
        trailer[7] = 1; // object reference size
        putLong(trailer, 8, objects.size());
        putLong(trailer, 16, top);
        putLong(trailer, 24, table);
        out.writeBytes(trailer);
        return out.toByteArray();
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
