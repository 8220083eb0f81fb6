package io.mdmsim.mdm;

import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.pki.Identity;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny stand-in for the APNs provider API (docs/fake-abm.md "Fake APNs") until the fake ABM's lands: records every
 * {@code POST /3/device/{token}} and answers with scripted statuses (200 with an apns-id when nothing is scripted).
 */
final class ApnsDouble implements AutoCloseable {

    /** One request as received. */
    record Push(String token, String topic, String pushType, String priority, String expiration, String body) {}

    private final HttpServer server;
    private final List<Push> pushes = new CopyOnWriteArrayList<>();
    private final Deque<Integer> script = new ArrayDeque<>();
    private int ids;

    ApnsDouble(Identity tls) {
        Router router = Router.builder().post("/3/device/{token}", this::push).build();
        HttpServer.Builder b = HttpServer.builder().name("apns-double").router(router);
        if (tls != null) {
            b.tls(tls);
        }
        server = b.build().start();
    }

    URI uri() {
        return server.baseUri();
    }

    /** The next requests get these statuses, in order. */
    synchronized ApnsDouble answer(Integer... statuses) {
        script.addAll(List.of(statuses));
        return this;
    }

    List<Push> pushes() {
        return List.copyOf(pushes);
    }

    private HttpResponse push(HttpRequest r) {
        pushes.add(new Push(r.pathParam("token"), r.header("apns-topic"), r.header("apns-push-type"),
                r.header("apns-priority"), r.header("apns-expiration"), r.bodyText()));
        int status;
        String id;
        synchronized (this) {
            Integer next = script.poll();
            status = next == null ? 200 : next;
            id = "00000000-0000-4000-8000-" + String.format("%012d", ++ids);
        }
        return switch (status) {
            case 200 -> HttpResponse.empty(200).withHeader("apns-id", id);
            case 410 -> HttpResponse.json(410, Map.of("reason", "Unregistered", "timestamp", 1_700_000_000_000L));
            case 429 -> HttpResponse.json(429, Map.of("reason", "TooManyRequests"));
            case 400 -> HttpResponse.json(400, Map.of("reason", "BadDeviceToken"));
            default -> HttpResponse.of(status, "{\"reason\":\"InternalServerError\"}".getBytes(StandardCharsets.UTF_8),
                    "application/json");
        };
    }

    @Override
    public void close() {
        server.close();
    }
}
