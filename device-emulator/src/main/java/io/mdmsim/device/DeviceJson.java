package io.mdmsim.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.http.Json;

/**
 * The virtual devices' one Jackson mapper: Jackson's defaults (unknown properties fail) on core's
 * {@link Json#factory()}, whose buffers come from one shared pool. With a virtual thread per device, a mapper on
 * Jackson's default factory would keep a set of buffers for every device.
 */
public final class DeviceJson {

    public static final ObjectMapper MAPPER = Json.plainMapper();

    private DeviceJson() {}
}
