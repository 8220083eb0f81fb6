package io.mdmsim.abm.dep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mdmsim.core.testing.AppleSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SkipKeysTest {

    /** The built-in list must be exactly the keys of the vendored skipkeys.yaml. */
    @Test
    void admKeysAreThoseOfAppleSkipkeysYaml() throws IOException {
        String yaml = Files.readString(AppleSchemas.appleDir().resolve("other/skipkeys.yaml"));
        Matcher m = Pattern.compile("(?m)^- key: (\\S+)$").matcher(yaml);
        List<String> keys = new java.util.ArrayList<>();
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertEquals(keys, SkipKeys.ADM);
    }
}
