package io.egressratelimit.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each request of a connection to its endpoint and writes the answers back in the order the
 * requests came, as HTTP/1.1 requires of a client that sends several before reading.
 */
final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  /** Requests of one connection waiting behind the one being answered; a client that sends more is cut off. */
  private static final int MAX_WAITING = 16;

  private record Pending(Request request, boolean keepAlive) {}

  private final Routes routes;
  private final Executor workers;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private boolean answering;

  Dispatcher(Routes routes, Executor workers) {
    this.routes = routes;
    this.workers = workers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest message) {
    RequestDeadline deadline = ctx.pipeline().get(RequestDeadline.class);
    if (deadline != null) {
      deadline.requestRead();
    }
    if (message.decoderResult().isFailure()) {
      boolean tooLong = message.decoderResult().cause() instanceof TooLongFrameException;
      write(ctx, Response.text(tooLong ? 431 : 400, tooLong ? "the request line or headers are too long\n"
          : "malformed HTTP request\n"), false, false);
      return;
    }
    if (waiting.size() >= MAX_WAITING) {
      ctx.close();
      return;
    }
    waiting.add(new Pending(request(ctx, message), HttpUtil.isKeepAlive(message)));
    if (!answering) {
      answerNext(ctx);
    }
  }

  private static Request request(ChannelHandlerContext ctx, FullHttpRequest message) {
    Map<String, String> headers = new HashMap<>();
    message.headers().forEach(header -> headers.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT),
        header.getValue()));
    InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
    return new Request(message.method().name(), new QueryStringDecoder(message.uri()).path(), headers,
        ByteBufUtil.getBytes(message.content()), peer.getAddress());
  }

  /** On the I/O thread: answers the first waiting request, if any. */
  private void answerNext(ChannelHandlerContext ctx) {
    Pending next = waiting.poll();
    if (next == null) {
      answering = false;
      return;
    }
    answering = true;
    answer(next.request()).whenComplete((response, failure) -> ctx.executor().execute(() -> {
      Response out = response;
      if (failure != null) {
        LOG.error("unexpected failure answering {} {}", next.request().method(), next.request().path(), failure);
        out = Response.text(500, "internal error; see the service log\n");
      }
      write(ctx, out, next.keepAlive(), next.request().isHead());
      if (next.keepAlive()) {
        answerNext(ctx);
      }
    }));
  }

  private CompletionStage<Response> answer(Request request) {
    Routes.Route route = routes.byPath().get(request.path());
    if (route == null) {
      return CompletableFuture.completedFuture(Response.text(404, routes.notFound()));
    }
    if (route.onIoThread()) {
      try {
        return route.endpoint().answer(request);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      return CompletableFuture.supplyAsync(() -> route.endpoint().answer(request), workers)
          .thenCompose(answer -> answer);
    } catch (RejectedExecutionException busy) {
      return CompletableFuture.completedFuture(Response.text(503, "busy; try again\n").withHeader("Retry-After", "1"));
    }
  }

  private static void write(ChannelHandlerContext ctx, Response response, boolean keepAlive, boolean head) {
    FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()),
        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
    out.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
        .set(HttpHeaderNames.CONTENT_LENGTH, response.body().length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    response.headers().forEach(out.headers()::set);
    HttpUtil.setKeepAlive(out, keepAlive);
    var written = ctx.writeAndFlush(out);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset or broken connection is the client's business; nothing to log per connection.
    ctx.close();
  }
}
