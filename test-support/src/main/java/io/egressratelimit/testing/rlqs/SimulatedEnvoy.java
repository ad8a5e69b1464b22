package io.egressratelimit.testing.rlqs;

import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.grpc.Channel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One Envoy with the rate_limit_quota filter, over a real gRPC stream: its {@link QuotaFilter}
 * decides each request locally, and its {@link QuotaStream} carries the reports out and the
 * assignments in. The report timer starts with the first bucket and then fires every
 * {@code reportEvery}, as Envoy's does; Envoy 1.40's is {@link QuotaFilter#REPORT_EVERY}.
 */
public final class SimulatedEnvoy implements AutoCloseable {
  private final QuotaFilter filter;
  private final QuotaStream stream;
  private final Duration reportEvery;
  private final ScheduledExecutorService timer;
  private final LongSupplier nanoClock;
  private final Consumer<QuotaFilter.Applied> onApplied;
  private final AtomicLong assignments = new AtomicLong();
  private ScheduledFuture<?> reporting;

  /**
   * @param timer runs the report ticks; shared by several Envoys, owned by the caller
   * @param onApplied told of every assignment the filter took on, on the stream's thread
   */
  public SimulatedEnvoy(QuotaFilter filter, Channel channel, Duration reportEvery, ScheduledExecutorService timer,
      LongSupplier nanoClock, Consumer<QuotaFilter.Applied> onApplied) {
    this.filter = Objects.requireNonNull(filter, "filter");
    this.reportEvery = Objects.requireNonNull(reportEvery, "reportEvery");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.onApplied = Objects.requireNonNull(onApplied, "onApplied");
    this.stream = new QuotaStream(channel, this::onResponse);
  }

  public boolean admit(BucketId bucket) {
    QuotaFilter.Admission admission = filter.admit(bucket, nanoClock.getAsLong());
    admission.firstReport().ifPresent(report -> {
      startReporting();
      stream.sendFirstReport(report);
    });
    return admission.allowed();
  }

  /** Its stream breaks; the next one opens on {@code channel} at the next report tick. */
  public void moveTo(Channel channel) {
    stream.moveTo(channel);
  }

  public long assignments() {
    return assignments.get();
  }

  public long streamsOpened() {
    return stream.opened();
  }

  private synchronized void startReporting() {
    if (reporting == null) {
      long period = reportEvery.toNanos();
      reporting = timer.scheduleAtFixedRate(this::reportAll, period, period, TimeUnit.NANOSECONDS);
    }
  }

  private void reportAll() {
    try {
      filter.reportAll(nanoClock.getAsLong()).ifPresent(stream::sendOnTick);
    } catch (RuntimeException e) {
      // never let one failed tick end the timer: a scheduled task that throws is not run again
    }
  }

  private void onResponse(RateLimitQuotaResponse response) {
    for (QuotaFilter.Applied applied : filter.onResponse(response, nanoClock.getAsLong())) {
      assignments.incrementAndGet();
      onApplied.accept(applied);
    }
  }

  /** Stops reporting and ends its stream, as an Envoy that shuts down; its channel is the caller's. */
  @Override
  public synchronized void close() {
    if (reporting != null) {
      reporting.cancel(false);
    }
    stream.close();
  }
}
