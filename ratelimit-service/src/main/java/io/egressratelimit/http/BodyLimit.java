package io.egressratelimit.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reads each request whole, up to a size. A larger body is answered 413 and the connection closed
 * so that the client reads the answer: closing a socket with unread bytes in it makes the kernel
 * send a reset, which many clients report instead of the 413. So the server first ends its own
 * side (FIN after the 413), then reads and drops what the client still sends until it closes too,
 * for a few seconds at most.
 */
final class BodyLimit extends HttpObjectAggregator {
  private static final long LINGER_SECONDS = 5;

  private final int maxBodyBytes;

  BodyLimit(int maxBodyBytes) {
    super(maxBodyBytes);
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * A client that asks before sending ({@code Expect: 100-continue}) a body too large hears why
   * and sends none, so its connection can stay open.
   */
  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
    if (answer instanceof FullHttpResponse response
        && response.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      response.release();
      return tooLarge();
    }
    return answer;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    // The aggregator releases the oversized message itself.
    FullHttpResponse tooLarge = tooLarge();
    tooLarge.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.pipeline().addFirst(new DropInput());
    ctx.writeAndFlush(tooLarge).addListener((ChannelFutureListener) written -> {
      if (written.isSuccess() && written.channel() instanceof DuplexChannel duplex) {
        duplex.shutdownOutput();
        written.channel().eventLoop().schedule(() -> written.channel().close(), LINGER_SECONDS, TimeUnit.SECONDS);
      } else {
        written.channel().close();
      }
    });
  }

  private FullHttpResponse tooLarge() {
    ByteBuf body = Unpooled.copiedBuffer("the request body is larger than " + maxBodyBytes + " bytes\n",
        StandardCharsets.UTF_8);
    FullHttpResponse tooLarge = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, body);
    tooLarge.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, Response.TEXT)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return tooLarge;
  }

  /** Drops whatever the client still sends; its end of the stream closes the connection. */
  private static final class DropInput extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      ReferenceCountUtil.release(message);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, event);
    }
  }
}
