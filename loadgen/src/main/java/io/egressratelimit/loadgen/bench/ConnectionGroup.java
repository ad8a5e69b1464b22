package io.egressratelimit.loadgen.bench;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connections one event loop thread owns, with their pacing and tally. Everything here runs on
 * that thread only, so nothing in it is shared or locked.
 */
final class ConnectionGroup {
  private static final long PACER_TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
  private static final long BURST_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  final EventLoop loop;
  private final Bootstrap bootstrap;
  private final BenchOptions options;
  private final RequestFrames.Source frames;
  /** Calls every group may still send, between them (--calls). */
  private final AtomicLong callsLeft;
  private final StreamConnection[] connections;
  private final double rate;
  private final CountDownLatch ready;
  private final SplittableRandom random = new SplittableRandom();
  private final String burstNonce = Long.toString(System.currentTimeMillis(), 36) + "-" + ProcessHandle.current().pid();
  private Schedule schedule;
  private CountDownLatch drained;
  private Tally tally;
  private long outstanding;
  private boolean stopped;
  private int burstsLeft;
  private ByteBuf burstFrame;
  private volatile String connectFailure;

  /**
   * @param rate this group's share of the calls per second; 0 for a closed loop
   * @param ready counted down once per connection, when its HTTP/2 settings arrive or it fails
   */
  ConnectionGroup(EventLoop loop, Bootstrap bootstrap, BenchOptions options, RequestFrames.Source frames,
      AtomicLong callsLeft, int connections, double rate, CountDownLatch ready) {
    this.loop = loop;
    this.bootstrap = bootstrap;
    this.options = options;
    this.frames = frames;
    this.callsLeft = callsLeft;
    this.connections = new StreamConnection[connections];
    this.rate = rate;
    this.ready = ready;
  }

  BenchOptions options() {
    return options;
  }

  /** Why a connection could not be opened, or null. */
  String connectFailure() {
    return connectFailure;
  }

  void connectAll() {
    for (int slot = 0; slot < connections.length; slot++) {
      connect(slot, ready);
    }
  }

  private void connect(int slot, CountDownLatch onSettings) {
    StreamConnection connection = new StreamConnection(this, slot, onSettings);
    connections[slot] = connection;
    bootstrap.clone(loop).handler(connection.initializer()).connect().addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        connectFailure = String.valueOf(f.cause().getMessage());
        onSettings.countDown(); // no need to wait out the timeout
      }
    });
  }

  /** A timed run: a closed loop, or an open one at this group's rate. */
  void start(Schedule schedule, CountDownLatch drained) {
    begin(schedule, drained);
    long now = System.nanoTime();
    loop.schedule(this::checkDrained, schedule.stopAt() - now, TimeUnit.NANOSECONDS);
    if (rate > 0) {
      OpenLoopPacer pacer = new OpenLoopPacer(connections, rate, options.inflight(), now);
      loop.scheduleAtFixedRate(() -> pace(pacer), 0, PACER_TICK_NANOS, TimeUnit.NANOSECONDS);
    } else {
      for (StreamConnection connection : connections) {
        connection.topUp();
      }
    }
  }

  void startBursts(Schedule schedule, CountDownLatch drained) {
    begin(schedule, drained);
    burstsLeft = options.bursts();
    burst();
  }

  private void begin(Schedule schedule, CountDownLatch drained) {
    this.schedule = schedule;
    this.drained = drained;
    this.tally = new Tally(schedule.countFrom());
  }

  /** Sends one burst spread over the connections, all written before any is flushed. */
  private void burst() {
    burstFrame = RequestFrames.forUser(options.domain(), "burst-" + burstNonce + "-" + burstsLeft);
    burstsLeft--;
    long now = System.nanoTime();
    for (int i = 0; i < options.burstSize(); i++) {
      StreamConnection connection = connections[i % connections.length];
      if (connection.hasRoom()) {
        connection.send(now);
      } else {
        tally.sent();
        tally.unanswered(); // more calls than streams: counted as the errors they would be
      }
    }
    for (StreamConnection connection : connections) {
      connection.flush();
    }
  }

  boolean closedLoop() {
    return rate == 0 && !options.bursting();
  }

  /** Whether a call may still be sent under the limit on calls (--calls). */
  boolean mayCall() {
    return callsLeft.get() > 0;
  }

  boolean sending(long now) {
    return schedule != null && now < schedule.stopAt() && callsLeft.get() > 0
        && !(options.bursting() && burstsLeft == 0 && outstanding == 0);
  }

  private void pace(OpenLoopPacer pacer) {
    long now = System.nanoTime();
    if (sending(now)) {
      pacer.pace(now);
    } else {
      checkDrained();
    }
  }

  ByteBuf nextFrame() {
    if (burstFrame != null) {
      return burstFrame.duplicate();
    }
    return frames.next(random);
  }

  void sent(Call call) {
    outstanding++;
    callsLeft.decrementAndGet();
    if (call.startNanos >= schedule.countFrom()) {
      call.counted = true;
      tally.sent();
    }
  }

  void answered(Call call, Answer answer, long now) {
    outstanding--;
    if (call.counted) {
      tally.answered(answer, now - call.startNanos, now);
    } else if (answer != Answer.ERROR) {
      tally.warmupDecision();
    }
    if (options.bursting() && outstanding == 0 && burstsLeft > 0) {
      loop.schedule(this::burst, BURST_GAP_NANOS, TimeUnit.NANOSECONDS); // bursts, not a stream
      return;
    }
    if (!sending(now)) {
      checkDrained();
    }
  }

  void unanswered() {
    tally.unanswered();
  }

  void lost(StreamConnection connection) {
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
    for (StreamConnection connection : connections) {
      connection.close();
    }
    return tally;
  }
}
