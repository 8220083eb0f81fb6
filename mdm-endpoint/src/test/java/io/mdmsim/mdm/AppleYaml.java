package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.testing.AppleSchemas;
import java.util.ArrayList;
import java.util.List;

/** Profile payloads checked against Apple's YAML schemas (ADM, apple/device-management) with core's AppleSchemas. */
final class AppleYaml {

    private AppleYaml() {}

    /**
     * Asserts a profile dictionary against {@code mdm/profiles/<file>}: required keys present, values of the declared
     * types and ranges, no unknown keys; the common Payload* keys are checked against CommonPayloadKeys.yaml.
     */
    static void assertPayload(String file, NSDictionary payload) {
        List<String> problems = new ArrayList<>(schema(file).check(payload));
        problems.removeIf(p -> p.matches("Payload\\w+ is not a key of the schema"));
        if (!file.equals("TopLevel.yaml")) {
            List<String> common = new ArrayList<>(schema("CommonPayloadKeys.yaml").check(payload));
            common.removeIf(p -> p.endsWith("is not a key of the schema"));
            problems.addAll(common);
        }
        assertEquals(List.of(), problems, "problems of " + payload.get("PayloadType") + " against " + file);
    }

    /** Asserts the inner Command dictionary of a command we send against its mdm/commands YAML. */
    static void assertCommand(String requestType, NSDictionary command) {
        assertEquals(List.of(), AppleSchemas.command(requestType).check(command), "problems of " + requestType);
    }

    private static AppleSchemas.Schema schema(String file) {
        return AppleSchemas.load(AppleSchemas.appleDir().resolve("mdm/profiles").resolve(file));
    }
}
