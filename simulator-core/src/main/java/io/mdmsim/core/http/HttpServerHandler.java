package io.mdmsim.core.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.ssl.SslHandler;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The adapter from Netty to {@link Handler}: turns an aggregated request into an {@link HttpRequest}, runs the handler
 * on a virtual thread (never on the event loop) and writes what it returned, or what the {@link ErrorMapper} made of
 * what it threw. Requests of one HTTP/1.1 connection are handled one after another so responses keep their order (a
 * streamed response holds the connection until its sink closes). On HTTP/2 each stream is a child channel with its
 * own instance, so streams run concurrently.
 */
final class HttpServerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final System.Logger LOG = System.getLogger(HttpServerHandler.class.getName());

    private final HttpServer.Config config;
    private final ExecutorService executor;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null); // event loop only
    private List<X509Certificate> peerCertificates;

    HttpServerHandler(HttpServer.Config config, ExecutorService executor) {
        this.config = config;
        this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        if (!msg.decoderResult().isSuccess()) {
            rejectMalformed(ctx, msg);
            return;
        }
        HttpRequest request = toRequest(ctx, msg);
        HttpVersion version = msg.protocolVersion();
        boolean head = HttpMethod.HEAD.equals(msg.method());
        ConnectionGuard guard = ctx.pipeline().get(ConnectionGuard.class); // HTTP/1.1 only
        if (guard != null) {
            guard.received(ctx.channel());
        }
        tail = tail.thenComposeAsync(v -> respond(ctx, request, version, head), executor)
                .exceptionally(t -> {
                    // Only when the executor refused the task (server closing): nobody will answer, so hang up.
                    LOG.log(Level.DEBUG, () -> config.name() + ": dropped " + request + ": " + t);
                    ctx.close();
                    return null;
                });
        if (guard != null) {
            tail.whenComplete((v, t) -> ctx.executor().execute(() -> guard.answered(ctx.channel())));
        }
    }

    private HttpRequest toRequest(ChannelHandlerContext ctx, FullHttpRequest msg) {
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
        HttpHeaders headers = msg.headers().copy();
        if (isHttp2(ctx)) {
            // Netty's HTTP/2 -> HTTP/1 conversion adds x-http2-stream-id and the like; handlers see the client's headers.
            for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
                headers.remove(n.text());
            }
        }
        return new HttpRequest(msg.method().name(), uri.path(), uri.parameters(), headers,
                ByteBufUtil.getBytes(msg.content()), Map.of(),
                ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null, peerCertificates(ctx));
    }

    private static boolean isHttp2(ChannelHandlerContext ctx) {
        return ctx.channel() instanceof Http2StreamChannel;
    }

    private List<X509Certificate> peerCertificates(ChannelHandlerContext ctx) {
        if (peerCertificates == null) {
            // On HTTP/2 the TLS handler sits in the connection's (parent) pipeline.
            Channel connection = isHttp2(ctx) ? ctx.channel().parent() : ctx.channel();
            SslHandler ssl = connection.pipeline().get(SslHandler.class);
            List<X509Certificate> certs = new ArrayList<>();
            if (ssl != null) {
                try {
                    for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                        if (c instanceof X509Certificate x) {
                            certs.add(x);
                        }
                    }
                } catch (SSLPeerUnverifiedException e) {
                    // no client certificate
                }
            }
            peerCertificates = List.copyOf(certs);
        }
        return peerCertificates;
    }

    /** Runs the handler and writes its response; completes when the response has been handed to Netty in full. */
    private CompletableFuture<Void> respond(ChannelHandlerContext ctx, HttpRequest request, HttpVersion version,
            boolean head) {
        HttpResponse response;
        try {
            response = config.handler().handle(request);
            if (response == null) {
                throw new IllegalStateException("handler returned no response for " + request);
            }
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            response = config.errorMapper().toResponse(t, config.name(), request.method() + " " + request.path());
        }
        if (response.isStreaming() && !head) {
            return stream(ctx, request, response, version);
        }
        ctx.writeAndFlush(toNetty(response, version, head));
        return DONE;
    }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private CompletableFuture<Void> stream(ChannelHandlerContext ctx, HttpRequest request, HttpResponse response,
            HttpVersion version) {
        DefaultHttpResponse out = new DefaultHttpResponse(version, HttpResponseStatus.valueOf(response.status()));
        response.headers().forEach((name, value) -> out.headers().set(name, value));
        out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        boolean closeAtEnd = false;
        if (!isHttp2(ctx)) {
            if (version.isKeepAliveDefault()) {
                HttpUtil.setTransferEncodingChunked(out, true);
            } else {
                // HTTP/1.0 has no chunked coding: the end of the body is the end of the connection.
                out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                closeAtEnd = true;
            }
        }
        ctx.write(out);
        NettyResponseSink sink = new NettyResponseSink(ctx, closeAtEnd, config.maxPendingStreamBytes());
        try {
            response.stream().open(sink);
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.ERROR, config.name() + ": streamed response to " + request + " failed; cutting it off", t);
            sink.abort();
        }
        sink.start();
        return sink.closedFuture().thenApply(reason -> null);
    }

    private static FullHttpResponse toNetty(HttpResponse response, HttpVersion version, boolean head) {
        int status = response.status();
        boolean noBody = status == 204 || status == 304 || status < 200;
        FullHttpResponse out = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(status),
                head || noBody ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
        response.headers().forEach((name, value) -> out.headers().set(name, value));
        if (noBody) {
            out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        } else {
            out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        }
        return out;
    }

    private void rejectMalformed(ChannelHandlerContext ctx, FullHttpRequest msg) {
        Throwable cause = msg.decoderResult().cause();
        int status;
        String text;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            text = "request line too long: " + cause.getMessage();
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            text = "request headers too large: " + cause.getMessage();
        } else if (cause instanceof TooLongFrameException) {
            status = 413;
            text = "request too large: " + cause.getMessage();
        } else {
            status = 400;
            text = "malformed HTTP request: " + cause.getMessage();
        }
        LOG.log(Level.DEBUG, () -> config.name() + ": " + status + " " + text);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponse.TEXT_PLAIN);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // After a framing error the rest of the stream cannot be trusted: answer once, then hang up.
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, () -> config.name() + ": closing connection from " + ctx.channel().remoteAddress()
                + ": " + cause);
        ctx.close();
    }
}
