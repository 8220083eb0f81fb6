package io.mdmsim.device;

import java.util.Map;

/** What the device runner (internal package) needs from this package to write a trace header. Not an API. */
public final class TraceSupport {

    private TraceSupport() {
    }

    /** A device's knobs as plain JSON values. */
    public static Map<String, Object> behaviour(Behaviour b) {
        return BehaviourJson.toMap(b);
    }
}
