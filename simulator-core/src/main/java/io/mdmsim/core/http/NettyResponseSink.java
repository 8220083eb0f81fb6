package io.mdmsim.core.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link ResponseSink} of one streamed response on one HTTP/1.1 connection or HTTP/2 stream (child channel).
 * Writes before {@link #start()} are queued unflushed, so the client sees nothing until the {@link StreamingBody} has
 * returned.
 */
final class NettyResponseSink implements ResponseSink {

    private final ChannelHandlerContext ctx;
    private final boolean closeChannelAtEnd;
    private final long maxPendingBytes;
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final ChannelFutureListener onChannelClosed = f -> finish(CloseReason.CLIENT_GONE, false);
    private boolean open = true; // guarded by this
    private boolean started;     // guarded by this
    private long pending;        // guarded by this

    NettyResponseSink(ChannelHandlerContext ctx, boolean closeChannelAtEnd, long maxPendingBytes) {
        this.ctx = ctx;
        this.closeChannelAtEnd = closeChannelAtEnd;
        this.maxPendingBytes = maxPendingBytes;
        ctx.channel().closeFuture().addListener(onChannelClosed);
    }

    /** From now on every write is flushed at once; flushes what was queued before. */
    synchronized void start() {
        started = true;
        ctx.flush();
    }

    @Override
    public boolean write(byte[] data) {
        int length = data.length;
        synchronized (this) {
            if (!open) {
                return false;
            }
            if (length == 0) {
                return true;
            }
            if (pending + length > maxPendingBytes) {
                // fall through to finish outside the lock
            } else {
                pending += length;
                DefaultHttpContent chunk = new DefaultHttpContent(Unpooled.wrappedBuffer(data));
                ChannelFuture f = started ? ctx.writeAndFlush(chunk) : ctx.write(chunk);
                f.addListener(done -> {
                    synchronized (this) {
                        pending -= length;
                    }
                    if (!done.isSuccess()) {
                        finish(CloseReason.CLIENT_GONE, false);
                    }
                });
                return true;
            }
        }
        finish(CloseReason.SLOW_CLIENT, true);
        return false;
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
            ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (closeChannelAtEnd) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }
        done(CloseReason.COMPLETED);
    }

    @Override
    public void abort() {
        finish(CloseReason.ABORTED, true);
    }

    private void finish(CloseReason reason, boolean closeChannel) {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        if (closeChannel) {
            ctx.close();
        }
        done(reason);
    }

    private void done(CloseReason reason) {
        ctx.channel().closeFuture().removeListener(onChannelClosed);
        closed.complete(reason);
    }

    /** For the server: completes when the sink closes. */
    CompletableFuture<CloseReason> closedFuture() {
        return closed;
    }

    @Override
    public CompletionStage<CloseReason> whenClosed() {
        return closed.minimalCompletionStage();
    }

    @Override
    public long maxPendingBytes() {
        return maxPendingBytes;
    }

    @Override
    public synchronized String toString() {
        return "ResponseSink[" + (open ? "open" : "closed " + closed.getNow(null)) + ", " + pending + " bytes pending, "
                + ctx.channel() + "]";
    }
}
