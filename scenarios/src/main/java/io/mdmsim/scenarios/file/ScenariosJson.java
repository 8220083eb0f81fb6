package io.mdmsim.scenarios.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mdmsim.core.http.Json;

/**
 * The scenarios part's one Jackson mapper, for scenario files, reports, the CLI's admin clients and the benchmarks: on
 * core's {@link Json#factory()} (buffers from one shared pool, not one set per thread), Jackson's defaults (unknown
 * properties fail) and stricter reading: at most 64 levels of nesting, nothing after the value, no null for a number
 * or a boolean.
 */
public final class ScenariosJson {

    public static final ObjectMapper MAPPER = JsonMapper.builder(factory())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** {@link #MAPPER} writing indented JSON (reports a person reads). */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private ScenariosJson() {}

    private static JsonFactory factory() {
        JsonFactory f = Json.factory();
        f.setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        return f;
    }
}
