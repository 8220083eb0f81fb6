package io.mdmsim.core.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline assembly only. Plain: idle timer -> connection guard (request timeout, pipelining) -> codec -> keep-alive
 * -> aggregator with size cap -> handler; past the connection cap a new connection is answered 503 and closed. TLS:
 * TLS -> ALPN, then
 * either that HTTP/1.1 pipeline or the HTTP/2 frame codec with one child channel per stream, each running
 * HTTP/2-to-HTTP/1 objects -> aggregator with size cap -> handler; so handlers see the same requests on both.
 */
final class HttpServerInitializer extends ChannelInitializer<SocketChannel> {

    private static final System.Logger LOG = System.getLogger(HttpServerInitializer.class.getName());

    private final HttpServer.Config config;
    private final SslContext ssl;
    private final ExecutorService executor;
    private final ChannelGroup channels;

    HttpServerInitializer(HttpServer.Config config, SslContext ssl, ExecutorService executor, ChannelGroup channels) {
        this.config = config;
        this.ssl = ssl;
        this.executor = executor;
        this.channels = channels;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (channels.size() >= config.maxConnections()) {
            refuse(ch);
            return;
        }
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (ssl == null) {
            http1(p);
            return;
        }
        p.addLast("tls", ssl.newHandler(ch.alloc()));
        p.addLast("alpn", new Negotiation());
    }

    /**
     * The longest request line and header block accepted (64 KiB each; Netty's default is 4 KiB for the line). Real
     * clients need it: SCEP's {@code GET ?operation=PKIOperation&message=...} with a 4096-bit key makes a line of
     * 5.5 KB (certmonger), and some clients put a 6.6 KB message in a POST's query; Go's server takes 1 MB.
     */
    static final int MAX_REQUEST_LINE_BYTES = 64 * 1024;
    static final int MAX_HEADER_BYTES = 64 * 1024;

    /** Past the connection cap: a plain client reads why (TLS ones see the connection closed), then it is closed. */
    private void refuse(SocketChannel ch) {
        LOG.log(Level.DEBUG, () -> config.name() + ": refusing a connection from " + ch.remoteAddress() + ": "
                + config.maxConnections() + " open");
        if (ssl != null) {
            ch.close();
            return;
        }
        byte[] body = ("connection limit: " + config.maxConnections() + " connections open (expected: fewer"
                + " connections at once; each may carry many requests)").getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\nRetry-After: 1\r\n\r\n";
        ch.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Requests the codec may decode ahead of their answers. The guard stops reading once {@link ConnectionGuard#MAX_QUEUED}
     * wait, but what one read brought in (at most 64 KiB: about 3,600 of the smallest requests) is decoded all the
     * same; Netty's default (128) closed the connection of a client that pipelined more, with no answer.
     */
    static final int MAX_PIPELINE_DEPTH = 4096;

    private void http1(ChannelPipeline p) {
        p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("guard", new ConnectionGuard(config));
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES), MAX_PIPELINE_DEPTH));
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        p.addLast("aggregator", new ReadableObjectAggregator(config.maxBodyBytes()));
        p.addLast("handler", new HttpServerHandler(config, executor));
    }

    private void http2(ChannelPipeline p) {
        p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(config.maxConcurrentStreams())
                        .maxHeaderListSize(MAX_REQUEST_LINE_BYTES + MAX_HEADER_BYTES))
                .build());
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                ChannelPipeline sp = stream.pipeline();
                sp.addLast("codec", new Http2StreamFrameToHttpObjectCodec(true));
                sp.addLast("aggregator", new ReadableObjectAggregator(config.maxBodyBytes()));
                sp.addLast("handler", new HttpServerHandler(config, executor));
            }
        }));
        p.addLast("h2-idle", new Http2IdleClose());
    }

    /** An HTTP/2 connection with no open stream and no frame for the idle timeout is closed (GOAWAY first). */
    private final class Http2IdleClose extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
                if (codec == null || codec.connection().numActiveStreams() == 0) {
                    LOG.log(Level.DEBUG, () -> config.name() + ": closing idle HTTP/2 connection from "
                            + ctx.channel().remoteAddress());
                    ctx.channel().close();
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }

    /** Waits for the TLS handshake, then builds the pipeline of the protocol ALPN chose (HTTP/1.1 without ALPN). */
    private final class Negotiation extends ApplicationProtocolNegotiationHandler {

        Negotiation() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            switch (protocol) {
                case ApplicationProtocolNames.HTTP_2 -> http2(ctx.pipeline());
                case ApplicationProtocolNames.HTTP_1_1 -> http1(ctx.pipeline());
                default -> throw new IllegalStateException("ALPN protocol: " + protocol + " (expected: h2 or http/1.1)");
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.DEBUG, () -> config.name() + ": TLS handshake with " + ctx.channel().remoteAddress()
                    + " failed: " + cause);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.DEBUG, () -> config.name() + ": closing connection from " + ctx.channel().remoteAddress()
                    + " during negotiation: " + cause);
            ctx.close();
        }
    }
}
