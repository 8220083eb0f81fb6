package io.mdmsim.device.enroll;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.net.DeviceHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulated user's browser in modern authentication: forms it can read and the profile host rule. */
class WebViewTest {

    private static DeviceHttp.Response page(String html) {
        return new DeviceHttp.Response("GET", URI.create("https://login.example.com/a"), 200, "text/html",
                html.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheFirstFormWithItsFields() {
        WebView.Form f = WebView.Form.first(page("""
                <html><form id=x METHOD=POST action='/sign?x=1&amp;y=2'>
                <input type=hidden name=ctx value="a&quot;b">
                <input name="login" autocomplete=username>
                <input type="password" name="pw">
                <input type="checkbox" name="remember" checked>
                <input type="text" name="ignored" disabled>
                <input type="submit" value="Go">
                <button name="action" value="signin">Sign in</button>
                </form><form action="/second"></form>"""));
        assertEquals("/sign?x=1&y=2", f.action());
        assertEquals("post", f.method());
        assertEquals(List.of(new WebView.Field("input", "hidden", "ctx", "a\"b", false),
                new WebView.Field("input", "text", "login", "", false),
                new WebView.Field("input", "password", "pw", "", false),
                new WebView.Field("input", "checkbox", "remember", "", true),
                new WebView.Field("button", "submit", "action", "signin", false)), f.fields());
        assertNull(WebView.Form.first(page("<html><body>Welcome</body></html>")));
        assertEquals("get", WebView.Form.first(page("<form><input name=q></form>")).method());
    }

    @Test
    void theProfileMustComeFromTheDomainOfTheConfigurationWebUrl() {
        URI start = URI.create("https://enroll.mdm.example.com/web");
        assertDoesNotThrow(() -> WebView.checkProfileHost(start, URI.create("https://profiles.example.com/p")));
        StageFailure f = assertThrows(StageFailure.class,
                () -> WebView.checkProfileHost(start, URI.create("https://evil.example.net/p")));
        assertEquals("modern authentication: the enrollment profile came from evil.example.net, which is not in the"
                + " domain of the ConfigurationWebURL host enroll.mdm.example.com (AppleDoc"
                + " authenticating-through-web-views)", f.reason());
        URI ip = URI.create("http://127.0.0.1:8080/web");
        assertDoesNotThrow(() -> WebView.checkProfileHost(ip, URI.create("http://127.0.0.1:9090/p")));
        assertThrows(StageFailure.class, () -> WebView.checkProfileHost(ip, URI.create("http://localhost:8080/p")));
    }
}
