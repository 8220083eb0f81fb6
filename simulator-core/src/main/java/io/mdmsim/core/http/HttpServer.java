package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Identity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A small HTTP server on Netty: bootstrap and lifecycle here, pipeline assembly in {@link HttpServerInitializer},
 * the adapter to {@link Handler} in {@link HttpServerHandler}. Plain HTTP is HTTP/1.1; with TLS the client picks
 * HTTP/2 or HTTP/1.1 by ALPN ("h2", "http/1.1"; no ALPN = HTTP/1.1). Both reach the same {@link Handler}. Handlers run
 * on virtual threads: on HTTP/1.1 one request at a time per connection (responses keep request order), on HTTP/2 every
 * stream at once; any number of connections. A handler may stream its body ({@link HttpResponse#streaming}).
 *
 * <pre>{@code
 * try (HttpServer server = HttpServer.builder().name("fake-abm").router(router).build().start()) {
 *     URI base = server.baseUri();
 * }
 * }</pre>
 */
public final class HttpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());

    /** Default cap on a request body: 8 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

    /** Default HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS per connection. */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 1000;

    /** Default cap on unsent bytes of one streamed response before its client is cut off: 4 MiB. */
    public static final long DEFAULT_MAX_PENDING_STREAM_BYTES = 4L * 1024 * 1024;

    /** Default time a connection with no request in flight may send and receive nothing before it is closed: 60 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** Default time from a request's first byte to its last (HTTP/1.1) before it is answered 408: 30 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Default number of connections a listener holds at once; more are answered 503 and closed: 4096. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;

    private final Config config;
    private EventLoopGroup group;
    private ExecutorService executor;
    private ChannelGroup channels;
    private Channel serverChannel;
    private int port = -1;
    private boolean closed;

    /** Frozen settings, passed to the initializer and handler. */
    record Config(String name, String host, int port, Identity tls, boolean requestClientCertificates,
            boolean http2, int maxConcurrentStreams, int maxBodyBytes, long maxPendingStreamBytes, Handler handler,
            ErrorMapper errorMapper, int ioThreads, Duration idleTimeout, Duration requestTimeout, int maxConnections) {
    }

    private HttpServer(Config config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; fails with a message naming the address if it cannot bind. */
    public synchronized HttpServer start() {
        if (serverChannel != null || closed) {
            throw new IllegalStateException(config.name + ": start() may be called once");
        }
        SslContext ssl = config.tls == null ? null : sslContext(config);
        // named after the server, so a profile or a thread dump tells whose I/O thread it is
        group = new MultiThreadIoEventLoopGroup(config.ioThreads, new DefaultThreadFactory(config.name + "-io"),
                NioIoHandler.newFactory());
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(config.name + "-handler-", 0).factory());
        channels = new DefaultChannelGroup(config.name, GlobalEventExecutor.INSTANCE);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childHandler(new HttpServerInitializer(config, ssl, executor, channels));
            serverChannel = bootstrap.bind(config.host, config.port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown();
            throw new IllegalStateException(config.name + ": interrupted while binding " + config.host + ":"
                    + config.port, e);
        } catch (Exception e) {
            shutdown();
            throw new UncheckedIOException(config.name + ": cannot listen on " + config.host + ":" + config.port
                    + ": " + e.getMessage(), e instanceof java.io.IOException io ? io : new java.io.IOException(e));
        }
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        LOG.log(Level.INFO, () -> config.name + " listening on " + baseUri());
        return this;
    }

    private static SslContext sslContext(Config config) {
        Identity id = config.tls;
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(id.certificate());
        chain.addAll(id.chain());
        try {
            SslContextBuilder b = SslContextBuilder.forServer(id.privateKey(), chain.toArray(X509Certificate[]::new))
                    .sslProvider(SslProvider.JDK);
            if (config.http2) {
                // RFC 9113 §9.2: TLS 1.2+ with the cipher suites HTTP/2 allows; ALPN picks the protocol.
                b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
            }
            if (config.requestClientCertificates) {
                // Ask for a client certificate but do not require or judge it at the TLS layer: the application
                // verifies the chain it finds in HttpRequest.peerCertificates().
                b.clientAuth(ClientAuth.OPTIONAL).trustManager(InsecureTrustManagerFactory.INSTANCE);
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException(config.name + ": cannot use the TLS identity "
                    + id.certificate().getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
    }

    /** The bound port (the real one when built with port 0). */
    public int port() {
        if (port < 0) {
            throw new IllegalStateException(config.name + ": not started");
        }
        return port;
    }

    /** {@code http://127.0.0.1:port} or {@code https://...}, without a trailing slash. */
    public URI baseUri() {
        String host = config.host.contains(":") ? "[" + config.host + "]" : config.host;
        return URI.create((config.tls == null ? "http" : "https") + "://" + host + ":" + port());
    }

    public String name() {
        return config.name;
    }

    public boolean isTls() {
        return config.tls != null;
    }

    /** True when TLS clients may negotiate HTTP/2. */
    public boolean isHttp2() {
        return config.tls != null && config.http2;
    }

    /** Connections open now (what {@link Builder#maxConnections} counts). */
    public int openConnections() {
        return channels == null ? 0 : channels.size();
    }

    /** Stops accepting, closes open connections, interrupts running handlers. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdown();
        LOG.log(Level.DEBUG, () -> config.name + " closed");
    }

    private void shutdown() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (channels != null) {
            channels.close().awaitUninterruptibly();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return config.name + (port < 0 ? " (not started)" : " at " + baseUri());
    }

    public static final class Builder {
        private String name = "http";
        private String host = "127.0.0.1";
        private int port = 0;
        private Identity tls;
        private boolean requestClientCertificates;
        private boolean http2 = true;
        private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private long maxPendingStreamBytes = DEFAULT_MAX_PENDING_STREAM_BYTES;
        private Handler handler;
        private ErrorMapper errorMapper;
        private int ioThreads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;

        private Builder() {
        }

        /** Names threads, log lines and incident ids. Default "http". */
        public Builder name(String name) {
            this.name = requireNonNull(name, "name");
            return this;
        }

        /** Address to bind. Default 127.0.0.1. */
        public Builder host(String host) {
            this.host = requireNonNull(host, "host");
            return this;
        }

        /** 0 (the default) picks a free port; {@link HttpServer#port()} reports it. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /** Serve HTTPS with this identity (its chain is sent too). */
        public Builder tls(Identity identity) {
            this.tls = requireNonNull(identity, "identity");
            return this;
        }

        /**
         * Ask TLS clients for a certificate (optional for them; the TLS layer accepts any). What they send appears in
         * {@link HttpRequest#peerCertificates()}. Needs {@link #tls(Identity)}.
         */
        public Builder requestClientCertificates(boolean request) {
            this.requestClientCertificates = request;
            return this;
        }

        /**
         * Offer HTTP/2 to TLS clients by ALPN (default true). False: HTTP/1.1 only. Plain HTTP is always HTTP/1.1.
         */
        public Builder http2(boolean http2) {
            this.http2 = http2;
            return this;
        }

        /** HTTP/2 streams a client may have open at once on one connection. Default 1000. */
        public Builder maxConcurrentStreams(int maxConcurrentStreams) {
            if (maxConcurrentStreams < 1) {
                throw new IllegalArgumentException(
                        "maxConcurrentStreams: " + maxConcurrentStreams + " (expected: >= 1)");
            }
            this.maxConcurrentStreams = maxConcurrentStreams;
            return this;
        }

        /**
         * A streamed response whose client lets more than this many bytes pile up unsent is cut off
         * ({@link ResponseSink.CloseReason#SLOW_CLIENT}). Default 4 MiB.
         */
        public Builder maxPendingStreamBytes(long maxPendingStreamBytes) {
            if (maxPendingStreamBytes < 1) {
                throw new IllegalArgumentException(
                        "maxPendingStreamBytes: " + maxPendingStreamBytes + " (expected: >= 1)");
            }
            this.maxPendingStreamBytes = maxPendingStreamBytes;
            return this;
        }

        /** Larger bodies are answered 413 before they reach a handler. Default 8 MiB. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes < 0) {
                throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 0)");
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder router(Router router) {
            return handler(router);
        }

        /** Any handler; usually a {@link Router}. */
        public Builder handler(Handler handler) {
            this.handler = requireNonNull(handler, "handler");
            return this;
        }

        /** How errors become responses. Default {@link ErrorMapper#defaults()}. */
        public Builder errorMapper(ErrorMapper errorMapper) {
            this.errorMapper = requireNonNull(errorMapper, "errorMapper");
            return this;
        }

        /** Netty event-loop threads (they only do I/O). Default 2..4 by processor count. */
        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 1) {
                throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
            }
            this.ioThreads = ioThreads;
            return this;
        }

        /** A connection with no request in flight and no traffic for this long is closed. Default 60 s. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = positive("idleTimeout", idleTimeout);
            return this;
        }

        /** An HTTP/1.1 request not received in full this long after its first byte is answered 408. Default 30 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive("requestTimeout", requestTimeout);
            return this;
        }

        /** Connections held at once; a new one past this is answered 503 and closed. Default 4096. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero() || d.toMillis() < 1) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: at least 1 ms)");
            }
            return d;
        }

        public HttpServer build() {
            if (handler == null) {
                throw new IllegalStateException(name + ": no router or handler set (expected: router(...))");
            }
            if (requestClientCertificates && tls == null) {
                throw new IllegalStateException(
                        name + ": requestClientCertificates needs TLS (expected: tls(identity) as well)");
            }
            return new HttpServer(new Config(name, host, port, tls, requestClientCertificates, http2,
                    maxConcurrentStreams, maxBodyBytes, maxPendingStreamBytes, handler,
                    errorMapper == null ? ErrorMapper.defaults() : errorMapper, ioThreads, idleTimeout, requestTimeout,
                    maxConnections));
        }

        /** {@code build().start()}. */
        public HttpServer start() {
            return build().start();
        }
    }
}
