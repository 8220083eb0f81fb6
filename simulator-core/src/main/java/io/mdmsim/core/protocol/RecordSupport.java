package io.mdmsim.core.protocol;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * equals/hashCode/toString for the message records: byte arrays compare by content, and the {@code raw} component
 * (the transport form: XML or binary, any key order) is left out, so a message equals its re-encoded self.
 */
final class RecordSupport {
    private static final ClassValue<RecordComponent[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected RecordComponent[] computeValue(Class<?> type) {
            return Arrays.stream(type.getRecordComponents()).filter(c -> !c.getName().equals("raw"))
                    .toArray(RecordComponent[]::new);
        }
    };

    private RecordSupport() {}

    static boolean equals(Record a, Object b) {
        if (a == b) {
            return true;
        }
        if (b == null || a.getClass() != b.getClass()) {
            return false;
        }
        for (RecordComponent c : COMPONENTS.get(a.getClass())) {
            if (!Objects.deepEquals(get(c, a), get(c, b))) {
                return false;
            }
        }
        return true;
    }

    static int hashCode(Record a) {
        int h = a.getClass().hashCode();
        for (RecordComponent c : COMPONENTS.get(a.getClass())) {
            Object v = get(c, a);
            h = 31 * h + (v instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(v));
        }
        return h;
    }

    static String toString(Record a) {
        StringBuilder sb = new StringBuilder(a.getClass().getSimpleName()).append('[');
        String sep = "";
        for (RecordComponent c : a.getClass().getRecordComponents()) {
            Object v = get(c, a);
            sb.append(sep).append(c.getName()).append('=');
            if (v instanceof byte[] b) {
                sb.append("byte[").append(b.length).append(']');
                if (b.length <= 32 && !c.getName().equals("raw")) {
                    sb.append(' ').append(HexFormat.of().formatHex(b));
                }
            } else {
                sb.append(v);
            }
            sep = ", ";
        }
        return sb.append(']').toString();
    }

    private static Object get(RecordComponent c, Object o) {
        try {
            return c.getAccessor().invoke(o);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + o.getClass().getName(), e);
        }
    }
}
