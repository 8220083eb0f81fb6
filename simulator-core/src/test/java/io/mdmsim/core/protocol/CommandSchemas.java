package io.mdmsim.core.protocol;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.testing.AppleSchemas;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a command's inner dictionary against Apple's {@code mdm/commands} YAML for its RequestType (for every module's
 * tests). Like {@link AppleSchemas.Schema#check}, except that the items of {@code Settings[]} (one YAML subkey per
 * kind, told apart by {@code Item}) are each checked against the subkey their {@code Item} names.
 */
public final class CommandSchemas {

    private CommandSchemas() {}

    /** Problems of {@code command} (with its RequestType) against its YAML; empty if none. */
    public static List<String> problems(NSDictionary command) {
        String requestType = ((NSString) command.get("RequestType")).getContent();
        return problems(AppleSchemas.command(requestType), command);
    }

    public static List<String> problems(AppleSchemas.Schema schema, NSDictionary command) {
        if (!"Settings".equals(schema.requestType())) {
            return schema.check(command);
        }
        AppleSchemas.Key settings = schema.key("Settings").orElseThrow();
        List<String> problems = new ArrayList<>(shallow(schema, settings).check(command));
        if (!(command.get("Settings") instanceof NSArray array)) {
            return problems;
        }
        NSObject[] items = array.getArray();
        for (int i = 0; i < items.length; i++) {
            if (!(items[i] instanceof NSDictionary item) || !(item.get("Item") instanceof NSString kindString)) {
                problems.add("Settings[" + i + "]: not a dictionary with an Item string");
                continue;
            }
            String kind = kindString.getContent();
            AppleSchemas.Key itemKey = settings.subkeys().stream()
                    .filter(k -> k.subkeys().stream().anyMatch(s -> s.name().equals("Item") && s.rangelist().contains(kind)))
                    .findFirst().orElse(null);
            if (itemKey == null) {
                problems.add("Settings[" + i + "].Item: \"" + kind + "\" is not a setting of settings.yaml");
                continue;
            }
            AppleSchemas.Schema itemSchema = new AppleSchemas.Schema(schema.file(), kind, null, itemKey.subkeys(),
                    List.of());
            for (String p : itemSchema.check(item)) {
                problems.add("Settings[" + i + "]." + p);
            }
        }
        return problems;
    }

    private static AppleSchemas.Schema shallow(AppleSchemas.Schema schema, AppleSchemas.Key array) {
        List<AppleSchemas.Key> keys = schema.payloadKeys().stream()
                .map(k -> k != array ? k : new AppleSchemas.Key(k.name(), k.type(), k.required(), k.supportedOS(),
                        k.defaultValue(), k.rangelist(), List.of()))
                .toList();
        return new AppleSchemas.Schema(schema.file(), schema.title(), schema.requestType(), keys, List.of());
    }
}
