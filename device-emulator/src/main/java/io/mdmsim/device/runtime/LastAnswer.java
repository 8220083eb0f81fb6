package io.mdmsim.device.runtime;

import io.mdmsim.device.net.DeviceHttp;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Remembers the last answer one device got (or why it got none), for the reason of a device that timed out. Cheap:
 * it keeps references and describes them only when asked. Called on the device's thread.
 */
final class LastAnswer implements DeviceHttp.Recorder {

    private static final Pattern REQUEST_TYPE =
            Pattern.compile("<key>RequestType</key>\\s*<string>([^<]{1,100})</string>");

    private String method;
    private URI uri;
    private DeviceHttp.Response response;
    private String failure;

    @Override
    public void exchange(String method, URI uri, Map<String, String> requestHeaders, String contentType, byte[] body,
                         DeviceHttp.Response response, Map<String, List<String>> responseHeaders, String failure,
                         long realNanos) {
        this.method = method;
        this.uri = uri;
        this.response = response;
        this.failure = failure;
    }

    /** This recorder, then {@code next}. */
    DeviceHttp.Recorder and(DeviceHttp.Recorder next) {
        return (m, u, rh, ct, b, r, h, f, n) -> {
            exchange(m, u, rh, ct, b, r, h, f, n);
            next.exchange(m, u, rh, ct, b, r, h, f, n);
        };
    }

    /** "none yet", "PUT http://x/mdm/connect answered 200 with the command InstallApplication", ... */
    String describe() {
        if (method == null) {
            return "none yet";
        }
        if (response == null) {
            return method + " " + uri + ": " + failure;
        }
        String text = new String(response.body(), 0, Math.min(response.body().length, 64 * 1024),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        Matcher m = REQUEST_TYPE.matcher(text);
        if (m.find()) {
            return method + " " + uri + " answered " + response.status() + " with the command " + m.group(1);
        }
        String d = response.describe();
        return d.length() > 200 ? d.substring(0, 200) + "..." : d;
    }
}
