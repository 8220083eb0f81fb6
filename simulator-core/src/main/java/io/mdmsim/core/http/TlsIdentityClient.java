package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP/1.1 over TLS that presents a client certificate: many identities (virtual devices), each with its own
 * keep-alive connection, on one shared event loop. The JDK's HttpClient offers one client certificate per client and
 * pools its connections across requests, so a fleet sharing it cannot speak as several identities; a client per
 * identity would cost a selector thread and its buffers each. Here an identity costs its TLS context (made once, at
 * {@link #identity}) and, while in use, one connection. A connection is opened on first use, kept while the server
 * keeps it, and opened again when it was closed; a request that finds its kept connection closed by the server
 * before any answer is sent again once on a new one (the server closes idle connections).
 */
public final class TlsIdentityClient implements AutoCloseable {

    /** An answer; {@code headers} are keyed in lower case. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    }

    private final EventLoopGroup group;
    private final X509TrustManager trust;
    private final int maxBodyBytes;

    /**
     * @param trust        the server certificates the identities accept
     * @param threads      event loop threads shared by every connection
     * @param threadPrefix name prefix of those threads (a profile tells whose work they do by it)
     * @param maxBodyBytes the largest answer body accepted
     */
    public TlsIdentityClient(X509TrustManager trust, int threads, String threadPrefix, int maxBodyBytes) {
        this.trust = requireNonNull(trust, "trust");
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 1)");
        }
        this.maxBodyBytes = maxBodyBytes;
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true),
                NioIoHandler.newFactory());
    }

    /** One identity's side: its TLS context, made now, and its connection, opened when first needed. */
    public Identity identity(PrivateKey key, X509Certificate certificate, List<X509Certificate> chain) {
        requireNonNull(key, "key");
        requireNonNull(certificate, "certificate");
        List<X509Certificate> all = new ArrayList<>(1 + chain.size());
        all.add(certificate);
        all.addAll(chain);
        try {
            // the key as it is: Netty's keyManager(key, chain) would first store it in a password-protected PKCS#12
            // key store, whose key derivation costs more than the TLS handshake
            SslContext ssl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .keyManager(new OneIdentity(key, all.toArray(new X509Certificate[0]))).trustManager(trust).build();
            return new Identity(ssl);
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot make a TLS context for " + certificate.getSubjectX500Principal()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** One identity's connection; one exchange at a time (later callers wait their turn). */
    public final class Identity implements AutoCloseable {
        private final SslContext ssl;
        private final ReentrantLock lock = new ReentrantLock();
        private Channel channel;
        private String origin;
        private ResponseHandler handler;

        private Identity(SslContext ssl) {
            this.ssl = ssl;
        }

        /**
         * One exchange on this identity's connection. {@code timeout} bounds the connection's set-up and the answer
         * each ({@link HttpTimeoutException} past it).
         */
        public Response exchange(String method, URI uri, Map<String, String> headers, String contentType, byte[] body,
                                 Duration timeout) throws IOException, InterruptedException {
            requireNonNull(uri, "uri");
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("uri: " + uri + " (expected: an https URL)");
            }
            lock.lockInterruptibly();
            try {
                boolean reused = channel != null && channel.isActive() && origin(uri).equals(origin);
                try {
                    return once(method, uri, headers, contentType, body, timeout);
                } catch (ClosedBeforeAnswer e) {
                    if (!reused) {
                        throw e;
                    }
                    return once(method, uri, headers, contentType, body, timeout); // the server closed it idle
                }
            } finally {
                lock.unlock();
            }
        }

        private Response once(String method, URI uri, Map<String, String> headers, String contentType, byte[] body,
                              Duration timeout) throws IOException, InterruptedException {
            Channel ch = connected(uri, timeout);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method),
                    path, body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            request.headers().set(HttpHeaderNames.HOST, uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            HttpUtil.setContentLength(request, body == null ? 0 : body.length);
            if (contentType != null) {
                request.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            }
            headers.forEach(request.headers()::set);
            CompletableFuture<Response> answer = handler.expect();
            ch.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    answer.completeExceptionally(new ClosedBeforeAnswer(f.cause()));
                }
            });
            try {
                return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                ch.close(); // the answer may still come: this connection cannot be reused
                throw new HttpTimeoutException(method + " " + uri + ": no answer within " + timeout);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().toString(),
                        e.getCause());
            } catch (InterruptedException e) {
                ch.close();
                throw e;
            }
        }

        /** The kept connection to the URL's origin, or a new one (TLS handshake done). */
        private Channel connected(URI uri, Duration timeout) throws IOException, InterruptedException {
            String o = origin(uri);
            if (channel != null && channel.isActive() && o.equals(origin)) {
                return channel;
            }
            closeChannel();
            int port = uri.getPort() < 0 ? 443 : uri.getPort();
            ResponseHandler h = new ResponseHandler(maxBodyBytes);
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast("tls", ssl.newHandler(c.alloc(), uri.getHost(), port));
                            c.pipeline().addLast("http", new HttpClientCodec());
                            c.pipeline().addLast("aggregate", new HttpObjectAggregator(maxBodyBytes));
                            c.pipeline().addLast("answer", h);
                        }
                    });
            ChannelFuture connect = b.connect(uri.getHost(), port);
            Channel ch = connect.channel();
            try {
                if (!connect.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    ch.close();
                    throw new HttpTimeoutException("connect to " + o + ": not connected within " + timeout);
                }
                if (!connect.isSuccess()) {
                    throw new java.net.ConnectException("connect to " + o + ": " + connect.cause().getMessage());
                }
                var handshake = ch.pipeline().get(SslHandler.class).handshakeFuture();
                if (!handshake.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    ch.close();
                    throw new HttpTimeoutException("TLS handshake with " + o + ": not done within " + timeout);
                }
                if (!handshake.isSuccess()) {
                    ch.close();
                    throw new SSLException("TLS handshake with " + o + " failed: " + handshake.cause().getMessage(),
                            handshake.cause());
                }
            } catch (InterruptedException e) {
                ch.close();
                throw e;
            }
            channel = ch;
            origin = o;
            handler = h;
            return ch;
        }

        /** Closes the connection, if one is open; the next exchange opens a new one. */
        @Override
        public void close() {
            lock.lock();
            try {
                closeChannel();
            } finally {
                lock.unlock();
            }
        }

        private void closeChannel() {
            if (channel != null) {
                channel.close();
                channel = null;
                origin = null;
                handler = null;
            }
        }
    }

    /** A key manager that holds one identity and offers it to every server that asks for a client certificate. */
    private static final class OneIdentity extends X509ExtendedKeyManager {
        private static final String ALIAS = "identity";
        private final PrivateKey key;
        private final X509Certificate[] chain;

        OneIdentity(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }

    private static String origin(URI uri) {
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + uri.getPort();
    }

    /** The connection closed (or a write failed) before the answer: the request may be sent again. */
    private static final class ClosedBeforeAnswer extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedBeforeAnswer(Throwable cause) {
            super("the connection closed before the answer" + (cause == null ? "" : ": " + cause), cause);
        }
    }

    /** Completes the one exchange in flight on its connection. */
    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final int maxBodyBytes;
        private volatile CompletableFuture<Response> pending;

        ResponseHandler(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
        }

        CompletableFuture<Response> expect() {
            CompletableFuture<Response> f = new CompletableFuture<>();
            pending = f;
            return f;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            CompletableFuture<Response> f = pending;
            pending = null;
            if (f == null) {
                ctx.close(); // an answer nobody asked for: the connection is out of step
                return;
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            r.headers().forEach(e -> headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>(1)).add(e.getValue()));
            f.complete(new Response(r.status().code(), headers, ByteBufUtil.getBytes(r.content())));
            if (!HttpUtil.isKeepAlive(r)) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new ClosedBeforeAnswer(null));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
                fail(new IOException("the answer is longer than " + maxBodyBytes + " bytes"));
            } else {
                fail(new ClosedBeforeAnswer(cause));
            }
            ctx.close();
        }

        private void fail(IOException e) {
            CompletableFuture<Response> f = pending;
            pending = null;
            if (f != null) {
                f.completeExceptionally(e);
            }
        }
    }
}
