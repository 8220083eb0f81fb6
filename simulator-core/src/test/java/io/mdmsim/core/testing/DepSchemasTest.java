package io.mdmsim.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DepSchemasTest {

    @Test
    void findsTheVendoredSchemas() {
        assertTrue(DepSchemas.schemaFiles().containsAll(List.of("Device.json", "Profile.json", "AccountDetail.json",
                "FetchDeviceResponse.json")), DepSchemas.schemaFiles().toString());
    }

    @Test
    void publishedModeChecksTypesRequiredKeysAndEnums() {
        assertEquals(List.of(), DepSchemas.errors("Device.json", "{\"serial_number\":\"A\",\"model\":\"M\"}"));
        List<String> problems = DepSchemas.errors("Device.json",
                "{\"serial_number\":7,\"profile_status\":\"gone\"}");
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(String.join("\n", problems).contains("model"), problems.toString());
    }

    @Test
    void strictModeAlsoRejectsUndeclaredKeysWhichThePublishedSchemasAllow() {
        String camel = "{\"serial_number\":\"A\",\"model\":\"M\",\"profileStatus\":\"empty\"}";
        assertEquals(List.of(), DepSchemas.errors("Device.json", camel));
        List<String> strict = DepSchemas.strictErrors("Device.json", camel);
        assertEquals(1, strict.size(), strict.toString());
        assertTrue(strict.get(0).contains("profileStatus"), strict.toString());
        // Nested objects reached through $ref are closed too.
        List<String> nested = DepSchemas.strictErrors("FetchDeviceResponse.json", "{\"cursor\":\"c\",\"fetched_until\":"
                + "\"2018-09-08T16:49:09Z\",\"more_to_follow\":false,\"devices\":[{\"serial_number\":\"A\",\"model\":\"M\","
                + "\"serial\":\"x\"}]}");
        assertEquals(1, nested.size(), nested.toString());
        AssertionError e = assertThrows(AssertionError.class, () -> DepSchemas.assertValid("Device.json", camel));
        assertTrue(e.getMessage().startsWith("not valid against Device.json:"), e.getMessage());
    }

    @Test
    void unknownSchemaFileIsAClearError() {
        DepSchemas.schemaDir();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DepSchemas.errors("Devices.json", "{}"));
        assertTrue(e.getMessage().startsWith("schemaFile: Devices.json (expected one of: [AccountDetail.json"),
                e.getMessage());
    }
}
