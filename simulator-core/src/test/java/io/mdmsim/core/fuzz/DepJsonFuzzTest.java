package io.mdmsim.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdmsim.core.dep.DepProfile;
import io.mdmsim.core.dep.FetchDevicesRequest;
import io.mdmsim.core.dep.FetchDevicesResponse;
import io.mdmsim.core.dep.SyncDevicesRequest;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.Json;

/**
 * The DEP JSON models as a server reads them from a request body, and as our DEP client reads Apple's answers: a
 * value, or an {@link HttpError} 400 naming where and what.
 */
class DepJsonFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyBytesAreADepBodyOrAClearRefusal(byte[] body) {
        for (Class<?> type : new Class<?>[] {FetchDevicesRequest.class, SyncDevicesRequest.class, DepProfile.class,
                FetchDevicesResponse.class}) {
            try {
                Object value = Json.read(body, type);
                Json.write(value);
            } catch (HttpError refused) {
                if (refused.status() != 400) {
                    throw refused;
                }
            }
        }
    }
}
