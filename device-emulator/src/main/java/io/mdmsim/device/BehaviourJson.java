package io.mdmsim.device;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Behaviour} as plain JSON values for trace headers (durations as ISO-8601 text), and back for replays. A knob
 * the JSON does not name keeps its default, so traces of older versions still replay.
 */
final class BehaviourJson {

    private BehaviourJson() {
    }

    static Map<String, Object> toMap(Behaviour b) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : Behaviour.class.getRecordComponents()) {
            Object v = value(c, b);
            if (v instanceof Duration d) {
                out.put(c.getName(), d.toString());
            } else if (v instanceof Map<?, ?> faults) {
                Map<String, Object> m = new LinkedHashMap<>();
                faults.forEach((k, f) -> m.put(String.valueOf(k), Map.of("notNow", ((Behaviour.CommandFault) f).notNow(),
                        "error", ((Behaviour.CommandFault) f).error())));
                out.put(c.getName(), m);
            } else {
                out.put(c.getName(), v);
            }
        }
        return out;
    }

    static Behaviour fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            return Behaviour.DEFAULT;
        }
        RecordComponent[] components = Behaviour.class.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            JsonNode v = json.get(c.getName());
            if (v == null || v.isNull()) {
                args[i] = value(c, Behaviour.DEFAULT);
            } else if (c.getType() == double.class) {
                args[i] = v.asDouble();
            } else if (c.getType() == int.class) {
                args[i] = v.asInt();
            } else if (c.getType() == boolean.class) {
                args[i] = v.asBoolean();
            } else if (c.getType() == Duration.class) {
                args[i] = Duration.parse(v.asText());
            } else if (c.getType() == Map.class) {
                Map<String, Behaviour.CommandFault> faults = new LinkedHashMap<>();
                v.properties().forEach(e -> faults.put(e.getKey(), new Behaviour.CommandFault(
                        e.getValue().path("notNow").asDouble(), e.getValue().path("error").asDouble())));
                args[i] = faults;
            } else {
                args[i] = v.asText();
            }
        }
        try {
            Constructor<Behaviour> canonical = Behaviour.class.getDeclaredConstructor(types);
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("trace behaviour: " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Behaviour's record shape changed: " + e, e);
        }
    }

    private static Object value(RecordComponent c, Behaviour b) {
        try {
            return c.getAccessor().invoke(b);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read Behaviour." + c.getName(), e);
        }
    }
}
