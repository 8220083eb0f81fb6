package io.mdmsim.core.plist;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSSet;
import com.dd.plist.NSString;
import java.util.Map;

/**
 * Walks a parsed plist as if every reference were expanded, stopping at the first {@link Plist.Limits limit} passed
 * (a binary plist may name one object many times: its expansion, not its size, is the work rendering it costs).
 */
final class PlistExpansion {
    private final Plist.Limits limits;
    private final byte[] data;
    private long nodes;
    private long bytes;

    PlistExpansion(Plist.Limits limits, byte[] data) {
        this.limits = limits;
        this.data = data;
    }

    void visit(NSObject o, int depth) {
        if (++nodes > limits.maxNodes()) {
            throw refuse("more than " + limits.maxNodes() + " nodes", "at most " + limits.maxNodes()
                    + " values, each reference to a shared value counted");
        }
        switch (o) {
            case NSDictionary d -> {
                enter(depth);
                for (Map.Entry<String, NSObject> e : d.entrySet()) {
                    count(e.getKey().length());
                    visit(e.getValue(), depth + 1);
                }
            }
            case NSArray a -> {
                enter(depth);
                for (NSObject item : a.getArray()) {
                    visit(item, depth + 1);
                }
            }
            case NSSet set -> {
                enter(depth);
                for (NSObject item : set.allObjects()) {
                    visit(item, depth + 1);
                }
            }
            case NSString str -> count(str.getContent().length());
            case NSData d -> count(d.length());
            case null -> throw new PlistException("malformed plist: a null value (binary marker 0x00) at nesting"
                    + " level " + depth + " (expected: plists have no null; leave the key out)", data);
            default -> { }
        }
    }

    private void enter(int depth) {
        if (depth > limits.maxDepth()) {
            throw refuse("deeper than " + limits.maxDepth() + " levels", "at most " + limits.maxDepth()
                    + " levels of arrays and dictionaries");
        }
    }

    private void count(long n) {
        bytes += n;
        if (bytes > limits.maxExpandedBytes()) {
            throw refuse("more than " + limits.maxExpandedBytes() + " bytes of strings and data",
                    "at most " + limits.maxExpandedBytes() + " bytes, each reference to a shared value counted");
        }
    }

    private PlistException refuse(String what, String expected) {
        return new PlistException("plist too large: it expands to " + what + " (expected: " + expected + ")",
                data);
    }
}
