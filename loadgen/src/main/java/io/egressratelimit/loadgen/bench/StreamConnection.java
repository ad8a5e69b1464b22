package io.egressratelimit.loadgen.bench;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Connection;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2FrameAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Settings;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Stream;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import io.grpc.netty.shaded.io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * One HTTP/2 connection, spoken directly through Netty's codec: writes a request stream per call
 * and reads its answer. It runs on its group's event loop thread only.
 */
final class StreamConnection extends Http2FrameAdapter {
  private static final String PATH = "/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit";
  private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");

  final int slot;
  private final ConnectionGroup group;
  private final CountDownLatch onSettings;
  private final IntObjectHashMap<Call> calls = new IntObjectHashMap<>();
  private final Http2Headers requestHeaders;
  private Http2ConnectionHandler http2;
  private Http2ConnectionEncoder encoder;
  private ChannelHandlerContext http2Context;
  private Channel channel;
  private boolean settled;
  private boolean pendingFlush;

  StreamConnection(ConnectionGroup group, int slot, CountDownLatch onSettings) {
    this.group = group;
    this.slot = slot;
    this.onSettings = onSettings;
    BenchOptions options = group.options();
    this.requestHeaders = new DefaultHttp2Headers(false)
        .method("POST").scheme("http").path(PATH).authority(options.target().toString())
        .add("content-type", "application/grpc").add("te", "trailers");
    String timeout = options.grpcTimeout();
    if (timeout != null) {
      requestHeaders.add("grpc-timeout", timeout);
    }
  }

  /** Installs the HTTP/2 codec on the new channel, then steps aside. */
  ChannelInboundHandlerAdapter initializer() {
    StreamConnection self = this;
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        http2 = new Http2ConnectionHandlerBuilder().server(false).validateHeaders(false)
            .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
            .frameListener(self).build();
        http2.connection().addListener(new Http2ConnectionAdapter() {
          @Override
          public void onStreamClosed(Http2Stream stream) {
            Call call = calls.remove(stream.id());
            if (call != null) {
              answer(call, call.answer());
            }
          }
        });
        ctx.pipeline().addLast(http2, self.afterReads());
        ctx.pipeline().remove(this);
        encoder = http2.encoder();
        http2Context = ctx.pipeline().context(http2);
      }
    };
  }

  /** Runs after the codec has handled a read: refill the streams that closed in it, then the codec flushes. */
  private ChannelInboundHandlerAdapter afterReads() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelReadComplete(ChannelHandlerContext ctx) {
        if (group.closedLoop()) {
          topUp();
        }
        ctx.fireChannelReadComplete();
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        settled = false;
        for (Call call : new ArrayList<>(calls.values())) {
          answer(call, Answer.ERROR);
        }
        calls.clear();
        group.lost(StreamConnection.this);
        ctx.fireChannelInactive();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    };
  }

  @Override
  public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
    if (!settled) {
      settled = true;
      onSettings.countDown();
      if (group.closedLoop() && group.sending(System.nanoTime())) {
        topUp();
      }
    }
  }

  boolean hasRoom() {
    return settled && calls.size() < group.options().inflight() && group.mayCall();
  }

  /** Closed loop: keep this connection's in-flight streams at the limit until the run stops. */
  void topUp() {
    long now = System.nanoTime();
    if (!group.sending(now)) {
      return;
    }
    while (hasRoom()) {
      send(now);
    }
    flush();
  }

  void send(long now) {
    Http2Connection connection = http2.connection();
    if (connection.goAwayReceived() || !connection.local().canOpenStream()) {
      settled = false;
      return;
    }
    int streamId = connection.local().incrementAndGetNextStreamId();
    Call call = new Call(now);
    calls.put(streamId, call);
    group.sent(call);
    ChannelFuture headers = encoder.writeHeaders(http2Context, streamId, requestHeaders, 0, false,
        http2Context.newPromise());
    if (headers.isDone() && !headers.isSuccess()) {
      if (calls.remove(streamId) != null) {
        answer(call, Answer.ERROR);
      }
      return;
    }
    encoder.writeData(http2Context, streamId, group.nextFrame(), 0, true, http2Context.newPromise());
    pendingFlush = true;
  }

  void flush() {
    if (pendingFlush) {
      pendingFlush = false;
      // Through the codec, not past it: DATA frames wait in its flow controller until it flushes.
      http2.flush(http2Context);
    }
  }

  /** Ends this connection: its calls still unanswered count as errors. */
  void close() {
    for (Call call : new ArrayList<>(calls.values())) {
      if (call.counted) {
        group.unanswered();
      }
    }
    calls.clear();
    if (channel != null) {
      channel.close();
    }
  }

  private void answer(Call call, Answer answer) {
    group.answered(call, answer, System.nanoTime());
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                            boolean endOfStream) {
    if (!endOfStream) {
      return; // response headers; the status comes in the trailers
    }
    Call call = calls.get(streamId);
    if (call != null) {
      call.status(headers.get(GRPC_STATUS));
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                            short weight, boolean exclusive, int padding, boolean endOfStream) {
    onHeadersRead(ctx, streamId, headers, padding, endOfStream);
  }

  @Override
  public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
    Call call = calls.get(streamId);
    if (call != null) {
      call.readBody(data);
    }
    return data.readableBytes() + padding;
  }
}
