package io.mdmsim.abm;

/** DEP sync {@code op_type} (ADS Device.json). */
enum OpType {
    ADDED("added"),
    MODIFIED("modified"),
    DELETED("deleted");

    private final String wire;

    OpType(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }
}
