package io.egressratelimit.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request must arrive whole within the timeout of its first byte, however slowly a client sends:
 * a client that trickles bytes to hold the connection is cut off. An idle connection (no byte at
 * all) is closed by the idle timeout instead.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
  private final long timeoutNanos;
  private ScheduledFuture<?> pending;

  RequestDeadline(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
    if (pending == null) {
      pending = ctx.executor().schedule(() -> {
        pending = null;
        ctx.close();
      }, timeoutNanos, TimeUnit.NANOSECONDS);
    }
    super.channelRead(ctx, message);
  }

  /** The request that the first byte began is read whole; the deadline is met. */
  void requestRead() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    requestRead();
    super.channelInactive(ctx);
  }
}
