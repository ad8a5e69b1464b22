package io.egressratelimit.loadgen.bench;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One benchmark run: unary ShouldRateLimit calls over a few HTTP/2 connections with many streams in
 * flight, as Envoy sends them. It speaks HTTP/2 through the Netty codec that grpc-netty-shaded
 * carries, with request frames built once, because a grpc-java stub client spends more CPU per call
 * than the service does and would measure itself. Unlike h2load it reads each answer.
 */
public final class BenchRun {
  private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** How long the last calls may take to answer after the run ends before they count as errors. */
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final BenchOptions options;

  private BenchRun(BenchOptions options) {
    this.options = options;
  }

  /** Waits for SERVING first when the options say so, then runs and measures. */
  public static BenchResult run(BenchOptions options) throws BenchFailure, InterruptedException {
    NettyTuning.forFixedBuffers();
    if (options.awaitServingSince() == 0) {
      return new BenchRun(options).execute();
    }
    long serving = ServingProbe.awaitServing(options.target(), options.awaitServingSince());
    return new BenchRun(options).execute().withServingMillis(serving - options.awaitServingSince());
  }

  private BenchResult execute() throws BenchFailure, InterruptedException {
    RequestFrames.Source frames = RequestFrames.of(options.workload(), options.domain());
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(options.threadsUsed(), io);
    try {
      Bootstrap bootstrap = new Bootstrap().group(loops)
          .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .remoteAddress(options.target().host(), options.target().port());
      ConnectionGroup[] groups = connect(loops, bootstrap, frames);
      return options.bursting() ? bursts(groups) : timed(groups);
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
    }
  }

  /** Spreads the connections over the event loop threads and waits for every one's HTTP/2 settings. */
  private ConnectionGroup[] connect(EventLoopGroup loops, Bootstrap bootstrap, RequestFrames.Source frames)
      throws BenchFailure, InterruptedException {
    int connections = options.connections();
    CountDownLatch ready = new CountDownLatch(connections);
    AtomicLong callsLeft = new AtomicLong(options.calls() > 0 ? options.calls() : Long.MAX_VALUE);
    ConnectionGroup[] groups = new ConnectionGroup[options.threadsUsed()];
    for (int g = 0; g < groups.length; g++) {
      int share = connections / groups.length + (g < connections % groups.length ? 1 : 0);
      groups[g] = new ConnectionGroup(loops.next(), bootstrap, options, frames, callsLeft, share,
          options.rate() / groups.length, ready);
    }
    for (ConnectionGroup group : groups) {
      group.connectAll();
    }
    boolean settled = ready.await(CONNECT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
    String failure = Arrays.stream(groups).map(ConnectionGroup::connectFailure).filter(Objects::nonNull)
        .findFirst().orElse(settled ? null : "no HTTP/2 settings within 5 s");
    if (failure != null) {
      throw new BenchFailure("cannot connect to " + options.target() + ": " + failure);
    }
    return groups;
  }

  /** Calls for the duration after the warm-up; CPU is read over the counted part only. */
  private BenchResult timed(ConnectionGroup[] groups) throws BenchFailure, InterruptedException {
    long countFrom = System.nanoTime() + options.warmup().toNanos();
    Schedule schedule = new Schedule(countFrom, countFrom + options.duration().toNanos());
    CountDownLatch drained = new CountDownLatch(groups.length);
    for (ConnectionGroup group : groups) {
      group.loop.execute(() -> group.start(schedule, drained));
    }
    TimeUnit.NANOSECONDS.sleep(Math.max(0, countFrom - System.nanoTime()));
    CpuSample from = CpuSample.take(options);
    drained.await(schedule.stopAt() - System.nanoTime() + DRAIN_NANOS, TimeUnit.NANOSECONDS);
    return result(groups, countFrom, from);
  }

  /** Each burst once the last answer of the previous one is in; every call counts. */
  private BenchResult bursts(ConnectionGroup[] groups) throws BenchFailure, InterruptedException {
    long start = System.nanoTime();
    Schedule schedule = new Schedule(start, Long.MAX_VALUE);
    CountDownLatch drained = new CountDownLatch(groups.length);
    CpuSample from = CpuSample.take(options);
    for (ConnectionGroup group : groups) {
      group.loop.execute(() -> group.startBursts(schedule, drained));
    }
    // every burst may take up to the drain time before its calls count as lost
    drained.await(DRAIN_NANOS * (1 + options.bursts() / 100), TimeUnit.NANOSECONDS);
    return result(groups, start, from);
  }

  /** Ends every group on its own thread and merges their tallies. */
  private BenchResult result(ConnectionGroup[] groups, long countFrom, CpuSample cpuFrom)
      throws BenchFailure, InterruptedException {
    CpuSample cpuTo = CpuSample.take(options);
    Tally total = new Tally(countFrom);
    for (ConnectionGroup group : groups) {
      try {
        total.add(group.loop.submit(group::finish).get());
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    return new BenchResult(options, total, cpuTo.service() - cpuFrom.service(), cpuTo.redis() - cpuFrom.redis(),
        OptionalLong.empty());
  }
}
