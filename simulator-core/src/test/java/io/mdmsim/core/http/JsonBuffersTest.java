package io.mdmsim.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Jackson's buffers come from one shared pool, not one set per thread (a virtual thread per device or request). */
class JsonBuffersTest {

    @Test
    void everyMapperTakesItsBuffersFromTheSharedPool() {
        for (ObjectMapper m : List.of(Json.MAPPER, Json.STRICT, Json.plainMapper())) {
            assertSame(JsonRecyclerPools.sharedBoundedPool(), m.getFactory()._getRecyclerPool());
            assertNotSame(JsonRecyclerPools.threadLocalPool(), m.getFactory()._getRecyclerPool());
        }
    }

    @Test
    void thePlainMapperKeepsJacksonsDefaults() {
        assertEquals(new ObjectMapper().getDeserializationConfig().getDeserializationFeatures(),
                Json.plainMapper().getDeserializationConfig().getDeserializationFeatures());
        assertEquals(new ObjectMapper().getSerializationConfig().getSerializationFeatures(),
                Json.plainMapper().getSerializationConfig().getSerializationFeatures());
    }

    @Test
    void manyVirtualThreadsReadAndWriteAtOnce() throws Exception {
        ObjectMapper m = Json.plainMapper();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Map<?, ?>>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int n = i;
                all.add(pool.submit(() -> m.readValue(m.writeValueAsBytes(Map.of("n", n, "text", "x".repeat(5000))),
                        Map.class)));
            }
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i, all.get(i).get().get("n"));
                assertEquals(5000, ((String) all.get(i).get().get("text")).length());
            }
        }
    }
}
