package io.egressratelimit.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 server for the admin port and the Prometheus listener, built so that no client
 * can hold it: connections are served by one non-blocking I/O thread, so a client that sends
 * slowly holds no thread; a request must arrive whole within {@link Limits#requestTimeout()} of
 * its first byte and a connection idle for {@link Limits#idleTimeout()} is closed; connections
 * and queued work are bounded; responses go out without Nagle's delay (TCP_NODELAY).
 */
public final class HttpListener implements AutoCloseable {
  /**
   * The bounds of one listener.
   *
   * @param maxConnections connections open at once; more are closed on accept
   * @param requestTimeout from a request's first byte to its last
   * @param idleTimeout a connection with no request in that long is closed
   * @param maxBodyBytes a larger body is answered 413
   * @param workers threads for the endpoints that do not answer on the I/O thread
   * @param queuedWork answers waiting for a worker; more are answered 503
   */
  record Limits(int maxConnections, Duration requestTimeout, Duration idleTimeout, int maxBodyBytes, int workers,
      int queuedWork) {
    static final Limits DEFAULT = new Limits(1024, Duration.ofSeconds(10), Duration.ofSeconds(60), 64 * 1024, 2, 64);
  }

  private final Channel server;
  private final EventLoopGroup loop;
  private final ThreadPoolExecutor workers;

  private HttpListener(Channel server, EventLoopGroup loop, ThreadPoolExecutor workers) {
    this.server = server;
    this.loop = loop;
    this.workers = workers;
  }

  static HttpListener start(InetSocketAddress address, String threadName, Routes routes) throws IOException {
    return start(address, threadName, routes, Limits.DEFAULT);
  }

  static HttpListener start(InetSocketAddress address, String threadName, Routes routes, Limits limits)
      throws IOException {
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, daemon(threadName), NioIoHandler.newFactory());
    ThreadPoolExecutor workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(limits.queuedWork()), daemon(threadName + "-worker"));
    ConnectionCount connections = new ConnectionCount(limits.maxConnections());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loop)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            ChannelPipeline pipeline = channel.pipeline();
            pipeline.addLast(connections);
            pipeline.addLast(new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
            pipeline.addLast(new RequestDeadline(limits.requestTimeout()));
            pipeline.addLast(new HttpServerCodec(4096, 8192, 8192));
            pipeline.addLast(new BodyLimit(limits.maxBodyBytes()));
            pipeline.addLast(new Dispatcher(routes, workers));
          }
        });
    ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownNow();
      Throwable cause = bound.cause();
      throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
    }
    return new HttpListener(bound.channel(), loop, workers);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownNow();
  }
}
