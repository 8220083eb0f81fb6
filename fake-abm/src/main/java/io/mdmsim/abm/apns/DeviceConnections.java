package io.mdmsim.abm.apns;

import io.mdmsim.abm.ApnsConfig;
import io.mdmsim.core.http.EventStream;
import io.mdmsim.core.security.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The devices' connections (at most {@link ApnsConfig#maxConnections()}): a token is online while it belongs to a
 * connection whose event stream is open. A connection whose stream does not open within
 * {@link ApnsConfig#attachTimeout()} is dropped.
 */
final class DeviceConnections {

    private static final System.Logger LOG = System.getLogger(DeviceConnections.class.getName());

    private final ApnsConfig config;
    private final DeviceTokens tokens;
    private final Delivery delivery;
    private final ConcurrentHashMap<String, DeviceConnection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    DeviceConnections(ApnsConfig config, DeviceTokens tokens, Delivery delivery) {
        this.config = config;
        this.tokens = tokens;
        this.delivery = delivery;
    }

    /** A new connection holding {@code tokenKeys}' tokens; they come online when its event stream opens. */
    String open(List<ApnsService.TokenKey> tokenKeys) {
        List<DeviceToken> members = new ArrayList<>();
        for (ApnsService.TokenKey v : tokenKeys) {
            DeviceToken t = tokens.find(DeviceTokens.pathParam(v.token()));
            if (t == null) {
                throw new DeviceApiError(400, "tokens: " + v.token() + " is not issued (expected: tokens from POST "
                        + "/apns/v1/tokens that have not been released)");
            }
            DeviceTokens.requireKey(t, v.key());
            members.add(t);
        }
        if (count.incrementAndGet() > config.maxConnections()) {
            count.decrementAndGet();
            throw new DeviceApiError(503, "connection limit reached: " + config.maxConnections()
                    + " (expected: fewer connections, each holding many tokens)");
        }
        DeviceConnection connection = new DeviceConnection(Secrets.hex(16));
        connections.put(connection.id, connection);
        for (DeviceToken t : members) {
            join(t, connection);
        }
        return connection.id;
    }

    /** Throws what {@link #attach} would, without attaching. */
    void checkAttachable(String connectionId) {
        DeviceConnection connection = connection(connectionId);
        if (connection.stream != null) {
            throw alreadyAttached(connectionId);
        }
    }

    private static DeviceApiError alreadyAttached(String connectionId) {
        return new DeviceApiError(409, "connection " + connectionId + " already has its event stream "
                + "(expected: one GET .../events per connection; open a new connection to reconnect)");
    }

    /** Gives the connection its event stream: its tokens are online from now until the stream closes. */
    void attach(String connectionId, EventStream stream) {
        DeviceConnection connection = connection(connectionId);
        synchronized (connection) {
            if (connection.stream != null) {
                throw alreadyAttached(connectionId);
            }
            connection.stream = stream;
        }
        stream.whenClosed().thenRun(() -> drop(connection));
        for (DeviceToken t : connection.members) {
            synchronized (t) {
                if (t.connection == connection) {
                    delivery.deliverPending(t, connection);
                }
            }
        }
    }

    /** The device of {@code tokenValue} is online on this connection (moved from any other): it needs its key. */
    void online(String connectionId, String tokenValue, String key) {
        DeviceConnection connection = connection(connectionId);
        DeviceToken token = tokens.withKey(tokenValue, key);
        join(token, connection);
        if (connection.closed) {
            leave(token, connection);
            throw new DeviceApiError(404, "connection " + connectionId + " is closed (expected: an open connection)");
        }
    }

    /** The device of {@code tokenValue} went away (sleep, reboot, no network). */
    void offline(String connectionId, String tokenValue) {
        DeviceConnection connection = connection(connectionId);
        DeviceToken token = tokens.issued(DeviceTokens.pathParam(tokenValue));
        leave(token, connection);
    }

    /** Ends the connection: its event stream is closed and all its tokens go offline. */
    void close(String connectionId) {
        DeviceConnection connection = connection(connectionId);
        EventStream stream = connection.stream;
        if (stream != null) {
            stream.close();
        }
        drop(connection);
    }

    /** Keep-alive comments on the open streams; drops the connections never attached within the attach timeout. */
    void keepalive() {
        long now = System.nanoTime();
        for (DeviceConnection c : connections.values()) {
            EventStream s = c.stream;
            if (s != null) {
                s.comment("keepalive");
            } else if (now - c.createdNanos > config.attachTimeout().toNanos()) {
                LOG.log(System.Logger.Level.DEBUG, () -> "fake APNs: dropping connection " + c.id
                        + ": no event stream within " + config.attachTimeout());
                drop(c);
            }
        }
    }

    int size() {
        return connections.size();
    }

    /** Connections whose event stream is open. */
    int streams() {
        return (int) connections.values().stream().filter(DeviceConnection::attached).count();
    }

    /** Closes every event stream (the server stops). */
    void closeStreams() {
        for (DeviceConnection c : connections.values()) {
            EventStream s = c.stream;
            if (s != null) {
                s.close();
            }
        }
    }

    private DeviceConnection connection(String id) {
        DeviceConnection connection = id == null ? null : connections.get(id);
        if (connection == null) {
            throw new DeviceApiError(404, "connection " + id + " does not exist (expected: an id from POST "
                    + "/apns/v1/connections whose event stream has not closed)");
        }
        return connection;
    }

    private void join(DeviceToken token, DeviceConnection connection) {
        synchronized (token) {
            if (token.released) {
                throw new DeviceApiError(404, "token " + token.value + " was released");
            }
            if (token.connection != connection) {
                if (token.connection != null) {
                    token.connection.members.remove(token);
                }
                token.connection = connection;
                connection.members.add(token);
            }
            delivery.deliverPending(token, connection);
        }
    }

    private static void leave(DeviceToken token, DeviceConnection connection) {
        synchronized (token) {
            connection.members.remove(token);
            if (token.connection == connection) {
                token.connection = null;
            }
        }
    }

    private void drop(DeviceConnection connection) {
        synchronized (connection) {
            if (connection.closed) {
                return;
            }
            connection.closed = true;
        }
        if (connections.remove(connection.id, connection)) {
            count.decrementAndGet();
        }
        for (DeviceToken t : connection.members) {
            leave(t, connection);
        }
    }
}
