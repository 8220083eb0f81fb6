package io.mdmsim.core.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.ExecutorService;

/** Pipeline assembly only: [TLS] -> codec -> keep-alive -> aggregator with size cap -> handler. */
final class HttpServerInitializer extends ChannelInitializer<SocketChannel> {

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
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("codec", new HttpServerCodec());
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        p.addLast("aggregator", new ReadableObjectAggregator(config.maxBodyBytes()));
        p.addLast("handler", new HttpServerHandler(config, executor));
    }
}
