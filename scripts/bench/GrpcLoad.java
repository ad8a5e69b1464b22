// The benchmark's gRPC load driver: unary ShouldRateLimit calls over a few HTTP/2 connections with
// many streams in flight, as Envoy sends them. It speaks HTTP/2 directly through the Netty codec
// that grpc-netty-shaded carries, with request frames built once, because a grpc-java stub client
// spends more CPU per call than the service does and would measure itself. Unlike h2load it reads
// each answer, so it counts OK, OVER_LIMIT and errors, spreads calls over 10k keys, and can hold a
// fixed rate for the "latency at half of max throughput" measure.
//
// usage: java -cp ratelimit-service/target/ratelimit-service.jar scripts/bench/GrpcLoad.java
//          --target 127.0.0.1:8081 --workload hot|keys10k|over [--connections 4] [--inflight 32]
//          [--duration 10] [--rate 0] [--domain bench] [--warmup 0] [--threads 1] [--deadline-ms 0]
//          [--bursts 0 --burst-size 50] [--await-serving-since EPOCH_MS] [--service-pid PID] [--redis-pid PID]
//        java -cp ... GrpcLoad.java --workload hot --write-frame hot.bin   (the body for h2load -d)
// --inflight is per connection; --rate 0 keeps connections x inflight calls outstanding (closed
// loop), --rate N sends N calls/s on a timer, never more than that many outstanding (open loop).
// Calls sent during --warmup seconds are not counted. Latency runs from a call's first byte
// written to its trailers read. --threads is how many event loop threads share the connections;
// one keeps up with the service on a 2-core machine and leaves it the other core.
// --deadline-ms N sends grpc-timeout as Envoy sends its filter timeout (0 sends none). --bursts N
// replaces the timed run: N bursts of --burst-size calls sent at once, each burst on a key no
// earlier burst (or run) used, the next burst once the last answer of the previous one is in.
// --await-serving-since T first polls the RateLimitService's gRPC health every 5 ms until it says
// SERVING, then runs, and adds "serving_ms": how long after T (epoch ms, when the service was
// started) SERVING was first seen. --service-pid and --redis-pid add "service_cpu_ticks" and
// "redis_cpu_ticks": those processes' CPU (utime + stime from /proc/PID/stat, in clock ticks) over
// the counted part of the run, warm-up and the driver's own start excluded.
// prints one JSON line: {"workload", "target", "rate", "sent", "ok", "over", "errors", "seconds",
// "rps", "p50_ms", "p99_ms", "p999_ms", "max_ms", "warmup_decisions"}; the last counts the OK and OVER_LIMIT
// answers to warm-up calls, for a server-side count (Redis commands) taken over the whole run.

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

public final class GrpcLoad {
  private static final String RATE_LIMIT_SERVICE = "envoy.service.ratelimit.v3.RateLimitService";
  private static final String PATH = "/" + RATE_LIMIT_SERVICE + "/ShouldRateLimit";
  private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** How long the last calls may take to answer after the run ends before they count as errors. */
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("GrpcLoad: " + e.getMessage());
      System.exit(2);
      return;
    }
    // The driver's buffers are few and fixed; leak sampling and bounds checks are pure overhead here.
    System.setProperty("io.grpc.netty.shaded.io.netty.leakDetection.level", "disabled");
    System.setProperty("io.grpc.netty.shaded.io.netty.buffer.checkAccessible", "false");
    System.setProperty("io.grpc.netty.shaded.io.netty.buffer.checkBounds", "false");
    try {
      if (options.writeFrame() != null) {
        writeFrame(options);
        return;
      }
      long servingMs = options.awaitServingSince() > 0 ? awaitServing(options) - options.awaitServingSince() : -1;
      String json = new Run(options).execute().toJson(options);
      System.out.println(servingMs < 0 ? json : json.substring(0, json.length() - 1) + ",\"serving_ms\":" + servingMs + "}");
    } catch (RunFailure e) {
      System.err.println("GrpcLoad: " + e.getMessage());
      System.exit(1);
    }
  }

  record Options(String host, int port, String workload, int connections, int inflight,
                 double durationSeconds, double rate, String domain, double warmupSeconds, int threads,
                 String writeFrame, int deadlineMs, int bursts, int burstSize, long awaitServingSince,
                 long servicePid, long redisPid) {
    static final String USAGE = "usage: GrpcLoad --target HOST:PORT --workload hot|keys10k|over [--connections 4]"
        + " [--inflight 32] [--duration 10] [--rate 0] [--domain bench] [--warmup 0] [--threads 1] [--write-frame FILE]"
        + " [--deadline-ms 0] [--bursts 0 --burst-size 50] [--await-serving-since EPOCH_MS] [--service-pid PID]"
        + " [--redis-pid PID]";

    static Options parse(String[] args) {
      Map<String, String> given = new HashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        String flag = args[i];
        if (!flag.startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --flag value at '" + flag + "'; " + USAGE);
        }
        given.put(flag.substring(2), args[i + 1]);
      }
      List<String> known = List.of("target", "workload", "connections", "inflight", "duration", "rate",
          "domain", "warmup", "threads", "write-frame", "deadline-ms", "bursts", "burst-size", "await-serving-since",
          "service-pid", "redis-pid");
      for (String flag : given.keySet()) {
        if (!known.contains(flag)) throw new IllegalArgumentException("unknown flag --" + flag + "; " + USAGE);
      }
      String target = given.getOrDefault("target", "127.0.0.1:8081");
      int colon = target.lastIndexOf(':');
      if (colon <= 0) throw new IllegalArgumentException("--target must be HOST:PORT, got '" + target + "'");
      String workload = given.getOrDefault("workload", "hot");
      if (!List.of("hot", "keys10k", "over").contains(workload)) {
        throw new IllegalArgumentException("--workload must be hot, keys10k or over, got '" + workload + "'");
      }
      int connections = positiveInt(given, "connections", "4");
      int port = positiveInt(Map.of("target", target.substring(colon + 1)), "target", "0");
      if (port > 65535) throw new IllegalArgumentException("--target port must be at most 65535, got " + port);
      int bursts = wholeNumber(given, "bursts", "0");
      return new Options(target.substring(0, colon), port, workload, connections, positiveInt(given, "inflight", "32"),
          number(given, "duration", "10", false), number(given, "rate", "0", true),
          given.getOrDefault("domain", "bench"), number(given, "warmup", "0", true),
          // bursts are paced by their own answers: one thread sends them all
          bursts > 0 ? 1 : Math.min(positiveInt(given, "threads", "1"), connections), given.get("write-frame"),
          wholeNumber(given, "deadline-ms", "0"), bursts, positiveInt(given, "burst-size", "50"),
          longNumber(given, "await-serving-since", "0"), longNumber(given, "service-pid", "0"),
          longNumber(given, "redis-pid", "0"));
    }

    private static int positiveInt(Map<String, String> given, String flag, String fallback) {
      String text = given.getOrDefault(flag, fallback);
      String what = flag.equals("target") ? "--target port" : "--" + flag;
      try {
        int value = Integer.parseInt(text);
        if (value > 0) return value;
      } catch (NumberFormatException ignored) {
        // reported below with the flag's name
      }
      throw new IllegalArgumentException(what + " must be a positive whole number, got '" + text + "'");
    }

    private static int wholeNumber(Map<String, String> given, String flag, String fallback) {
      long value = longNumber(given, flag, fallback);
      if (value > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("--" + flag + " must be at most " + Integer.MAX_VALUE + ", got " + value);
      }
      return (int) value;
    }

    private static long longNumber(Map<String, String> given, String flag, String fallback) {
      String text = given.getOrDefault(flag, fallback);
      try {
        long value = Long.parseLong(text);
        if (value >= 0) return value;
      } catch (NumberFormatException ignored) {
        // reported below with the flag's name
      }
      throw new IllegalArgumentException("--" + flag + " must be a non-negative whole number, got '" + text + "'");
    }

    private static double number(Map<String, String> given, String flag, String fallback, boolean zeroAllowed) {
      String text = given.getOrDefault(flag, fallback);
      try {
        double value = Double.parseDouble(text);
        if (value > 0 || (zeroAllowed && value == 0)) return value;
      } catch (NumberFormatException ignored) {
        // reported below with the flag's name
      }
      throw new IllegalArgumentException("--" + flag + " must be a " + (zeroAllowed ? "non-negative" : "positive")
          + " number, got '" + text + "'");
    }

    String target() {
      return host + ":" + port;
    }
  }

  /** A user-facing failure (no server, refused connection): one line, no stack trace. */
  static final class RunFailure extends Exception {
    private static final long serialVersionUID = 1L;

    RunFailure(String message) {
      super(message);
    }
  }

  private static final long SERVING_WAIT_MS = 60_000;

  /** Polls the RateLimitService's health until SERVING; returns when it was first seen, in epoch ms. */
  static long awaitServing(Options options) throws RunFailure, InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress(options.host(), options.port()).usePlaintext().build();
    try {
      HealthCheckRequest ask = HealthCheckRequest.newBuilder().setService(RATE_LIMIT_SERVICE).build();
      while (System.currentTimeMillis() - options.awaitServingSince() < SERVING_WAIT_MS) {
        try {
          HealthCheckResponse.ServingStatus status = HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(500, TimeUnit.MILLISECONDS).check(ask).getStatus();
          if (status == HealthCheckResponse.ServingStatus.SERVING) return System.currentTimeMillis();
        } catch (StatusRuntimeException notYet) {
          channel.resetConnectBackoff(); // not listening yet: try again at once, not after grpc's back-off
        }
        Thread.sleep(5);
      }
      throw new RunFailure(options.target() + " did not report SERVING within " + SERVING_WAIT_MS / 1000 + " s");
    } finally {
      channel.shutdownNow();
    }
  }

  /** The gRPC frames (5-byte prefix + serialized RateLimitRequest) a workload picks from, built once. */
  static ByteBuf[] requestFrames(Options options) {
    List<RateLimitDescriptor.Entry> entries = new ArrayList<>();
    switch (options.workload()) {
      case "keys10k" -> {
        for (int i = 0; i < 10_000; i++) entries.add(entry("user", "u" + i));
      }
      case "over" -> entries.add(entry("generic_key", "over"));
      default -> entries.add(entry("generic_key", "hot"));
    }
    ByteBuf[] frames = new ByteBuf[entries.size()];
    for (int i = 0; i < frames.length; i++) {
      byte[] message = RateLimitRequest.newBuilder().setDomain(options.domain())
          .addDescriptors(RateLimitDescriptor.newBuilder().addEntries(entries.get(i))).build().toByteArray();
      ByteBuf frame = Unpooled.directBuffer(5 + message.length).writeByte(0).writeInt(message.length).writeBytes(message);
      // Every call writes a duplicate of the same bytes; none may free them.
      frames[i] = Unpooled.unreleasableBuffer(frame);
    }
    return frames;
  }

  /** The frame of one burst's calls: a key of the per-user rule that no other burst uses. */
  static ByteBuf burstFrame(Options options, String user) {
    byte[] message = RateLimitRequest.newBuilder().setDomain(options.domain())
        .addDescriptors(RateLimitDescriptor.newBuilder().addEntries(entry("user", user))).build().toByteArray();
    return Unpooled.unreleasableBuffer(
        Unpooled.directBuffer(5 + message.length).writeByte(0).writeInt(message.length).writeBytes(message));
  }

  /** Writes the workload's (first) request frame to a file, as the body h2load sends on every call. */
  static void writeFrame(Options options) throws RunFailure {
    ByteBuf frame = requestFrames(options)[0];
    byte[] bytes = new byte[frame.readableBytes()];
    frame.getBytes(frame.readerIndex(), bytes);
    try {
      Files.write(Path.of(options.writeFrame()), bytes);
    } catch (NoSuchFileException e) {
      throw new RunFailure("cannot write --write-frame " + options.writeFrame() + ": no such directory");
    } catch (IOException e) {
      throw new RunFailure("cannot write --write-frame " + options.writeFrame() + ": " + e);
    }
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  /** The CPU the service and Redis have used so far, in clock ticks; -1 for a process not asked about. */
  static long[] cpuTicks(Options options) throws RunFailure {
    return new long[] {cpuTicks(options.servicePid()), cpuTicks(options.redisPid())};
  }

  private static long cpuTicks(long pid) throws RunFailure {
    if (pid == 0) return -1;
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // after the command name in parentheses: field 3 onwards; utime and stime are fields 14 and 15
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      throw new RunFailure("cannot read the CPU time of process " + pid + ": " + e.getMessage());
    }
  }

  /** When calls start counting and when sending stops, in System.nanoTime() terms. */
  record Schedule(long countFrom, long stopAt) {
  }

  /** One run: the connections, the load, and the merged tally. */
  static final class Run {
    private final Options options;

    Run(Options options) {
      this.options = options;
    }

    Tally execute() throws RunFailure, InterruptedException {
      ByteBuf[] frames = requestFrames(options);
      boolean epoll = Epoll.isAvailable();
      IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), io);
      try {
        Bootstrap bootstrap = new Bootstrap().group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .remoteAddress(options.host(), options.port());
        CountDownLatch ready = new CountDownLatch(options.connections());
        Worker[] workers = new Worker[options.threads()];
        for (int w = 0; w < workers.length; w++) {
          int share = options.connections() / workers.length + (w < options.connections() % workers.length ? 1 : 0);
          double rate = options.rate() / workers.length;
          workers[w] = new Worker(group.next(), bootstrap, options, frames, share, rate, ready);
        }
        for (Worker worker : workers) worker.connectAll();
        boolean settled = ready.await(CONNECT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        String failure = Arrays.stream(workers).map(Worker::connectFailure).filter(Objects::nonNull)
            .findFirst().orElse(settled ? null : "no HTTP/2 settings within 5 s");
        if (failure != null) throw new RunFailure("cannot connect to " + options.target() + ": " + failure);
        long start = System.nanoTime();
        long countFrom = start + (long) (options.warmupSeconds() * 1e9);
        CountDownLatch drained = new CountDownLatch(workers.length);
        long[] cpuFrom;
        if (options.bursts() > 0) {
          Schedule schedule = new Schedule(start, Long.MAX_VALUE);
          cpuFrom = cpuTicks(options);
          for (Worker worker : workers) worker.loop.execute(() -> worker.startBursts(schedule, drained));
          // every burst may take up to the drain time before its calls count as lost
          drained.await(DRAIN_NANOS * (1 + options.bursts() / 100), TimeUnit.NANOSECONDS);
        } else {
          Schedule schedule = new Schedule(countFrom, countFrom + (long) (options.durationSeconds() * 1e9));
          for (Worker worker : workers) worker.loop.execute(() -> worker.start(schedule, drained));
          TimeUnit.NANOSECONDS.sleep(Math.max(0, countFrom - System.nanoTime()));
          cpuFrom = cpuTicks(options);
          drained.await(schedule.stopAt() - System.nanoTime() + DRAIN_NANOS, TimeUnit.NANOSECONDS);
        }
        long[] cpuTo = cpuTicks(options);
        Tally total = new Tally(options.bursts() > 0 ? start : countFrom);
        for (Worker worker : workers) {
          try {
            total.add(worker.loop.submit(worker::finish).get());
          } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
          }
        }
        total.serviceCpuTicks = cpuTo[0] - cpuFrom[0];
        total.redisCpuTicks = cpuTo[1] - cpuFrom[1];
        return total;
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The connections one event loop thread owns, and their pacing and tally. Everything here runs on
   * that thread only, so nothing in it is shared or locked.
   */
  static final class Worker {
    private static final long PACER_TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long BURST_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Options options;
    private final ByteBuf[] frames;
    private final Connection[] connections;
    private final double rate;
    private final CountDownLatch ready;
    private final SplittableRandom random = new SplittableRandom();
    private Schedule schedule;
    private CountDownLatch drained;
    private Tally tally;
    private long outstanding;
    private long paced;
    private long pacingFrom;
    private int nextConnection;
    private boolean stopped;
    private int burstsLeft;
    private ByteBuf burstFrame;
    private final String burstNonce =
        Long.toString(System.currentTimeMillis(), 36) + "-" + ProcessHandle.current().pid();
    private volatile String connectFailure;

    Worker(EventLoop loop, Bootstrap bootstrap, Options options, ByteBuf[] frames, int connections, double rate,
           CountDownLatch ready) {
      this.loop = loop;
      this.bootstrap = bootstrap;
      this.options = options;
      this.frames = frames;
      this.connections = new Connection[connections];
      this.rate = rate;
      this.ready = ready;
    }

    String connectFailure() {
      return connectFailure;
    }

    void connectAll() {
      for (int slot = 0; slot < connections.length; slot++) connect(slot, ready);
    }

    private void connect(int slot, CountDownLatch onSettings) {
      Connection connection = new Connection(this, slot, onSettings);
      connections[slot] = connection;
      bootstrap.clone(loop).handler(connection.initializer()).connect().addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          connectFailure = String.valueOf(f.cause().getMessage());
          onSettings.countDown(); // no need to wait out the timeout
        }
      });
    }

    void start(Schedule schedule, CountDownLatch drained) {
      this.schedule = schedule;
      this.drained = drained;
      this.tally = new Tally(schedule.countFrom());
      long now = System.nanoTime();
      loop.schedule(this::checkDrained, schedule.stopAt() - now, TimeUnit.NANOSECONDS);
      if (rate > 0) {
        pacingFrom = now;
        loop.scheduleAtFixedRate(this::pace, 0, PACER_TICK_NANOS, TimeUnit.NANOSECONDS);
      } else {
        for (Connection connection : connections) connection.topUp();
      }
    }

    void startBursts(Schedule schedule, CountDownLatch drained) {
      this.schedule = schedule;
      this.drained = drained;
      this.tally = new Tally(schedule.countFrom());
      this.burstsLeft = options.bursts();
      burst();
    }

    /** Sends one burst spread over the connections, all written before any is flushed. */
    private void burst() {
      burstFrame = burstFrame(options, "burst-" + burstNonce + "-" + burstsLeft);
      burstsLeft--;
      long now = System.nanoTime();
      for (int i = 0; i < options.burstSize(); i++) {
        Connection connection = connections[i % connections.length];
        if (connection.hasRoom()) {
          connection.send(now);
        } else {
          tally.sent++;
          tally.unanswered(); // more calls than streams: counted as the errors they would be
        }
      }
      for (Connection connection : connections) connection.flush();
    }

    boolean bursting() {
      return options.bursts() > 0;
    }

    boolean closedLoop() {
      return rate == 0 && !bursting();
    }

    boolean sending(long now) {
      return schedule != null && now < schedule.stopAt() && !(bursting() && burstsLeft == 0 && outstanding == 0);
    }

    /** Open loop: send what the rate owes by now, as long as the in-flight bound allows. */
    private void pace() {
      long now = System.nanoTime();
      if (!sending(now)) {
        checkDrained();
        return;
      }
      long owed = (long) ((now - pacingFrom) * rate / 1e9);
      int tried = 0;
      while (paced < owed && tried < connections.length) {
        Connection connection = connections[nextConnection];
        if (connection.hasRoom()) {
          connection.send(now);
          paced++;
          tried = 0;
        } else {
          tried++;
        }
        nextConnection = (nextConnection + 1) % connections.length;
      }
      // A server that falls behind owes no backlog larger than what could be in flight.
      long bound = (long) connections.length * options.inflight();
      if (owed - paced > bound) paced = owed - bound;
      for (Connection connection : connections) connection.flush();
    }

    ByteBuf nextFrame() {
      if (burstFrame != null) return burstFrame.duplicate();
      ByteBuf frame = frames.length == 1 ? frames[0] : frames[random.nextInt(frames.length)];
      return frame.duplicate();
    }

    void sent(Call call) {
      outstanding++;
      if (call.startNanos >= schedule.countFrom()) {
        call.counted = true;
        tally.sent++;
      }
    }

    void answered(Call call, Outcome outcome, long now) {
      outstanding--;
      if (call.counted) {
        tally.record(outcome, now - call.startNanos, now);
      } else if (outcome != Outcome.ERROR) {
        tally.warmupDecisions++;
      }
      if (bursting() && outstanding == 0 && burstsLeft > 0) {
        loop.schedule(this::burst, BURST_GAP_NANOS, TimeUnit.NANOSECONDS); // bursts, not a stream
        return;
      }
      if (!sending(now)) checkDrained();
    }

    void lost(Connection connection) {
      if (!stopped && sending(System.nanoTime())) {
        // The server closed the connection mid-run: open a new one, as a client pool would.
        loop.schedule(() -> connect(connection.slot, new CountDownLatch(1)), 100, TimeUnit.MILLISECONDS);
      }
    }

    private void checkDrained() {
      if (!stopped && outstanding == 0 && !sending(System.nanoTime())) {
        stopped = true;
        drained.countDown();
      }
    }

    /** Ends the run on this thread: calls still unanswered count as errors. */
    Tally finish() {
      stopped = true;
      for (Connection connection : connections) connection.close();
      return tally;
    }
  }

  enum Outcome { OK, OVER, ERROR }

  /** One unary call in flight: when it started and what has come back so far. */
  static final class Call {
    final long startNanos;
    boolean counted;
    boolean statusOk;
    int bodyBytesSeen;
    byte field;
    byte code;

    Call(long startNanos) {
      this.startNanos = startNanos;
    }

    /** The answer's first two message bytes are overall_code's tag (0x08) and value (1 OK, 2 OVER_LIMIT). */
    void readBody(ByteBuf data) {
      int from = data.readerIndex();
      int length = data.readableBytes();
      for (int at = Math.max(5, bodyBytesSeen); at < 7 && at < bodyBytesSeen + length; at++) {
        byte value = data.getByte(from + at - bodyBytesSeen);
        if (at == 5) field = value; else code = value;
      }
      bodyBytesSeen += length;
    }

    Outcome outcome() {
      if (!statusOk || bodyBytesSeen < 7 || field != 0x08) return Outcome.ERROR;
      return code == 1 ? Outcome.OK : code == 2 ? Outcome.OVER : Outcome.ERROR;
    }
  }

  /** One HTTP/2 connection: writes request streams and reads their answers. */
  static final class Connection extends Http2FrameAdapter {
    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");

    final int slot;
    private final Worker worker;
    private final CountDownLatch onSettings;
    private final IntObjectHashMap<Call> calls = new IntObjectHashMap<>();
    private final Http2Headers requestHeaders;
    private Http2ConnectionHandler http2;
    private Http2ConnectionEncoder encoder;
    private ChannelHandlerContext http2Context;
    private Channel channel;
    private boolean settled;
    private boolean pendingFlush;

    Connection(Worker worker, int slot, CountDownLatch onSettings) {
      this.worker = worker;
      this.slot = slot;
      this.onSettings = onSettings;
      Options options = worker.options;
      this.requestHeaders = new DefaultHttp2Headers(false)
          .method("POST").scheme("http").path(PATH).authority(options.target())
          .add("content-type", "application/grpc").add("te", "trailers");
      if (options.deadlineMs() > 0) requestHeaders.add("grpc-timeout", options.deadlineMs() + "m");
    }

    ChannelInboundHandlerAdapter initializer() {
      Connection self = this;
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
              if (call != null) answer(call, call.outcome());
            }
          });
          ctx.pipeline().addLast(http2, self.readCompleteHandler());
          ctx.pipeline().remove(this);
          encoder = http2.encoder();
          http2Context = ctx.pipeline().context(http2);
        }
      };
    }

    /** Runs after the codec has handled a read: refill the streams that closed in it, then the codec flushes. */
    private ChannelInboundHandlerAdapter readCompleteHandler() {
      return new ChannelInboundHandlerAdapter() {
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
          if (worker.closedLoop()) topUp();
          ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
          settled = false;
          for (Call call : new ArrayList<>(calls.values())) answer(call, Outcome.ERROR);
          calls.clear();
          worker.lost(Connection.this);
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
        if (worker.closedLoop() && worker.sending(System.nanoTime())) topUp();
      }
    }

    boolean hasRoom() {
      return settled && calls.size() < worker.options.inflight();
    }

    /** Closed loop: keep this connection's in-flight streams at the limit until the run stops. */
    void topUp() {
      long now = System.nanoTime();
      if (!worker.sending(now)) return;
      while (hasRoom()) send(now);
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
      worker.sent(call);
      ChannelFuture headers = encoder.writeHeaders(http2Context, streamId, requestHeaders, 0, false,
          http2Context.newPromise());
      if (headers.isDone() && !headers.isSuccess()) {
        if (calls.remove(streamId) != null) answer(call, Outcome.ERROR);
        return;
      }
      encoder.writeData(http2Context, streamId, worker.nextFrame(), 0, true, http2Context.newPromise());
      pendingFlush = true;
    }

    void flush() {
      if (pendingFlush) {
        pendingFlush = false;
        // Through the codec, not past it: DATA frames wait in its flow controller until it flushes.
        http2.flush(http2Context);
      }
    }

    void close() {
      for (Call call : new ArrayList<>(calls.values())) {
        if (call.counted) worker.tally.unanswered();
      }
      calls.clear();
      if (channel != null) channel.close();
    }

    private void answer(Call call, Outcome outcome) {
      worker.answered(call, outcome, System.nanoTime());
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                              boolean endOfStream) {
      if (!endOfStream) return; // response headers; the status comes in the trailers
      Call call = calls.get(streamId);
      if (call == null) return;
      CharSequence status = headers.get(GRPC_STATUS);
      call.statusOk = status != null && status.length() == 1 && status.charAt(0) == '0';
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endOfStream) {
      onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      Call call = calls.get(streamId);
      if (call != null) call.readBody(data);
      return data.readableBytes() + padding;
    }
  }

  /** Counts and latencies of the calls sent after the warm-up. */
  static final class Tally {
    private final long countFrom;
    long sent;
    long ok;
    long over;
    long errors;
    long warmupDecisions;
    long lastAnswer;
    long serviceCpuTicks = -1;
    long redisCpuTicks = -1;
    private long[] latencies = new long[1 << 16];
    private int answered;

    Tally(long countFrom) {
      this.countFrom = countFrom;
    }

    void record(Outcome outcome, long latencyNanos, long now) {
      switch (outcome) {
        case OK -> ok++;
        case OVER -> over++;
        case ERROR -> errors++;
      }
      if (answered == latencies.length) latencies = Arrays.copyOf(latencies, answered * 2);
      latencies[answered++] = latencyNanos;
      lastAnswer = Math.max(lastAnswer, now);
    }

    void unanswered() {
      errors++;
    }

    void add(Tally other) {
      sent += other.sent;
      ok += other.ok;
      over += other.over;
      errors += other.errors;
      warmupDecisions += other.warmupDecisions;
      lastAnswer = Math.max(lastAnswer, other.lastAnswer);
      if (answered + other.answered > latencies.length) latencies = Arrays.copyOf(latencies, answered + other.answered);
      System.arraycopy(other.latencies, 0, latencies, answered, other.answered);
      answered += other.answered;
    }

    String toJson(Options options) {
      double seconds = options.bursts() > 0 ? Math.max(1e-3, (lastAnswer - countFrom) / 1e9)
          : Math.max(options.durationSeconds(), (lastAnswer - countFrom) / 1e9);
      long[] sorted = Arrays.copyOf(latencies, answered);
      Arrays.sort(sorted);
      return String.format(Locale.ROOT, "{\"workload\":\"%s\",\"target\":\"%s\",\"rate\":%s,\"sent\":%d,\"ok\":%d,"
              + "\"over\":%d,\"errors\":%d,\"seconds\":%.2f,\"rps\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
              + "\"max_ms\":%.3f,\"warmup_decisions\":%d%s%s}",
          options.workload(), options.target(), plain(options.rate()), sent, ok, over, errors, seconds,
          Math.round(answered / seconds), percentileMillis(sorted, 50), percentileMillis(sorted, 99),
          percentileMillis(sorted, 99.9), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, warmupDecisions,
          options.servicePid() > 0 ? ",\"service_cpu_ticks\":" + serviceCpuTicks : "",
          options.redisPid() > 0 ? ",\"redis_cpu_ticks\":" + redisCpuTicks : "");
    }

    private static String plain(double number) {
      return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
    }

    private static double percentileMillis(long[] sorted, double percentile) {
      if (sorted.length == 0) return 0;
      return sorted[Math.min(sorted.length - 1, (int) (percentile / 100 * sorted.length))] / 1e6;
    }
  }
}
