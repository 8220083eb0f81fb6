package io.mdmsim.device.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.testing.AppleSchemas;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.Versions;
import java.util.List;
import java.util.Map;

/** A device's reply checked against the command's {@code responsekeys}: types, rangelists, and iOS availability. */
final class ReplyChecks {

    private ReplyChecks() {
    }

    /** The report the device would send for {@code reply}. */
    static NSDictionary report(Device d, CommandReply reply) {
        return CommandResult.of(d.udid(), null, reply.status(), "6F0C9D1E-0000-4000-8000-000000000001",
                reply.errorChain(), reply.resultKeys()).body();
    }

    /**
     * Core's schema check (types, rangelists, nesting) and: no key marked n/a for iOS, no key introduced after the
     * device's OS version.
     */
    static void assertConforms(String requestType, Device d, CommandReply reply) {
        NSDictionary body = report(d, reply);
        AppleSchemas.Schema schema = AppleSchemas.command(requestType);
        List<String> problems = new java.util.ArrayList<>(schema.checkResponse(body));
        // core's checker knows the wildcard key "ANY" only; "ANY app identifier" is checked here, per entry
        problems.removeIf(p -> p.contains(".ANY ") && p.contains(" is missing"));
        assertEquals(List.of(), problems, requestType + " reply " + body.toXMLPropertyList());
        for (AppleSchemas.Key k : schema.responseKeys()) {
            if (k.subkeys().size() == 1 && k.subkeys().getFirst().name().startsWith("ANY ")
                    && body.get(k.name()) instanceof NSDictionary entries) {
                AppleSchemas.Schema entry = new AppleSchemas.Schema(schema.file(), schema.title(), requestType,
                        List.of(), k.subkeys().getFirst().subkeys());
                for (Map.Entry<String, NSObject> e : entries.entrySet()) {
                    assertEquals(List.of(), entry.checkResponse((NSDictionary) e.getValue()), requestType + " "
                            + k.name() + " entry " + e.getKey());
                }
            }
        }
        assertIos(requestType, schema.responseKeys(), body, d.spec().osVersion(), "");
    }

    private static void assertIos(String requestType, List<AppleSchemas.Key> keys, NSDictionary dict, String os,
                                  String path) {
        for (Map.Entry<String, NSObject> e : dict.entrySet()) {
            AppleSchemas.Key k = keys.stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElse(null);
            if (k == null) {
                continue; // envelope keys, ANY keys
            }
            String intro = k.supportedOS().path("iOS").path("introduced").asText("");
            assertTrue(!intro.equals("n/a"), requestType + " reply key " + path + e.getKey() + " is n/a for iOS");
            if (!intro.isEmpty()) {
                assertTrue(Versions.atLeast(os, intro), requestType + " reply key " + path + e.getKey()
                        + " needs iOS " + intro + ", the device runs " + os);
            }
            descend(requestType, k, e.getValue(), os, path + e.getKey());
        }
    }

    private static void descend(String requestType, AppleSchemas.Key k, NSObject v, String os, String path) {
        if (v instanceof NSDictionary d && !k.subkeys().isEmpty()) {
            assertIos(requestType, k.subkeys(), d, os, path + ".");
        } else if (v instanceof NSArray a && !k.subkeys().isEmpty()) {
            for (NSObject item : a.getArray()) {
                descend(requestType, k.subkeys().getFirst(), item, os, path + "[]");
            }
        }
    }
}
