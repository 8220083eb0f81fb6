package io.mdmsim.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What one HTTP/1.1 connection may hold, in front of the codec: it is closed once nothing was read or written for the
 * idle timeout while no request is in flight; a request must arrive whole within the request timeout from its first
 * byte (slow headers and slow bodies are answered 408 and the connection closed); and while
 * {@value #MAX_QUEUED} pipelined requests wait for their answers the connection is not read, so a client that
 * pipelines any number of requests gets every answer, in order, with bounded memory. Timeouts are wall-clock time
 * (transport, not protocol time). Event loop only.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());
    /** Requests of one connection received and not yet answered in full, past which it is not read. */
    static final int MAX_QUEUED = 16;

    private final HttpServer.Config config;
    private int inFlight;
    private ScheduledFuture<?> deadline;

    ConnectionGuard(HttpServer.Config config) {
        this.config = config;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (deadline == null && msg instanceof ByteBuf b && b.isReadable() && ctx.channel().config().isAutoRead()) {
            deadline = ctx.executor().schedule(() -> requestTimedOut(ctx), config.requestTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    /** A whole request reached the handler. */
    void received(Channel channel) {
        disarm();
        inFlight++;
        if (inFlight >= MAX_QUEUED) {
            channel.config().setAutoRead(false);
        }
    }

    /** The answer to one request was handed to Netty in full (or the request was dropped). */
    void answered(Channel channel) {
        inFlight--;
        if (inFlight < MAX_QUEUED && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (inFlight == 0 && deadline == null) {
                LOG.log(Level.DEBUG, () -> config.name() + ": closing idle connection from "
                        + ctx.channel().remoteAddress() + " (nothing for " + text(config.idleTimeout()) + ")");
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    static String text(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void requestTimedOut(ChannelHandlerContext ctx) {
        deadline = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        LOG.log(Level.DEBUG, () -> config.name() + ": request from " + ctx.channel().remoteAddress()
                + " not complete within " + text(config.requestTimeout()) + "; closing");
        if (inFlight > 0) {
            ctx.close(); // an answer is on its way: a 408 would be taken for it
            return;
        }
        byte[] body = ("request not received in full within " + text(config.requestTimeout())
                + " (expected: the request line, headers and body within the server's request timeout)")
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponse.TEXT_PLAIN);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // from the tail, so that the codec after this handler encodes it
        ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
