package io.mdmsim.mdm.store;

/** Checks every backend makes the same way. */
final class Stores {

    private Stores() {
    }

    /** A row written with its owner must belong to it. */
    static void requireSameOwner(String owner, String rowOwner, String what) {
        if (!owner.equals(rowOwner)) {
            throw new IllegalArgumentException(what + " belongs to " + rowOwner + " (expected: " + owner
                    + ", the one it is saved with)");
        }
    }
}
