package io.egressratelimit.loadgen.rlqs;

import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.grpc.Channel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One Envoy with the rate_limit_quota filter: its {@link QuotaFilter} decides each request
 * locally, and its {@link QuotaStream} carries the reports out and the assignments in. The report
 * timer starts with the first bucket, as Envoy's does.
 */
public final class SimulatedEnvoy implements AutoCloseable {
  private final int index;
  private final QuotaFilter filter;
  private final QuotaStream stream;
  private final Duration reportingInterval;
  private final ScheduledExecutorService timer;
  private final LongSupplier nanoClock;
  private final ShareLog shares;
  private final AtomicLong assignments = new AtomicLong();
  private ScheduledFuture<?> reporting;

  public SimulatedEnvoy(
      int index,
      QuotaFilter filter,
      Channel channel,
      Duration reportingInterval,
      ScheduledExecutorService timer,
      LongSupplier nanoClock,
      ShareLog shares) {
    this.index = index;
    this.filter = Objects.requireNonNull(filter, "filter");
    this.reportingInterval = Objects.requireNonNull(reportingInterval, "reportingInterval");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.shares = Objects.requireNonNull(shares, "shares");
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

  public int index() {
    return index;
  }

  public long assignments() {
    return assignments.get();
  }

  public long streamsOpened() {
    return stream.opened();
  }

  private synchronized void startReporting() {
    if (reporting == null) {
      long period = reportingInterval.toNanos();
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
      shares.record(index, applied.atNanos(), ShareLog.rateOf(applied.action()));
    }
  }

  @Override
  public synchronized void close() {
    if (reporting != null) {
      reporting.cancel(false);
    }
    stream.close();
  }
}
