package io.egressratelimit.loadgen.rlqs;

import io.egressratelimit.loadgen.rls.GrpcChannels;
import io.egressratelimit.loadgen.rls.RlsTarget;
import io.egressratelimit.loadgen.traffic.CallResult;
import io.egressratelimit.loadgen.traffic.Caller;
import io.egressratelimit.loadgen.traffic.LatLng;
import io.egressratelimit.loadgen.traffic.Outcome;
import io.egressratelimit.testing.rlqs.BucketBehaviour;
import io.egressratelimit.testing.rlqs.QuotaFilter;
import io.egressratelimit.testing.rlqs.SimulatedEnvoy;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * N Envoys with the rate_limit_quota filter in front of the upstream: each request goes through the
 * Envoy the {@link DemandPlan} picks, is classified into the configured bucket, decided by that
 * Envoy's local assignment, and only if allowed sent on. Envoy i holds its stream to replica
 * {@code i mod replicas}, as each Envoy's gRPC cluster would pick one host for its stream.
 */
public final class EnvoyFleet implements Caller {
  /** How the fleet is set up; the bucket is what the filter's bucket_id_builder builds. */
  public record Settings(
      List<RlsTarget> targets,
      Optional<Path> caFile,
      String domain,
      BucketId bucket,
      BucketBehaviour behaviour,
      Duration reportEvery,
      DemandPlan plan) {
    public Settings {
      targets = List.copyOf(targets);
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("at least one RLQS target is needed");
      }
      Objects.requireNonNull(caFile, "caFile");
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(bucket, "bucket");
      Objects.requireNonNull(behaviour, "behaviour");
      Objects.requireNonNull(reportEvery, "reportEvery");
      Objects.requireNonNull(plan, "plan");
    }
  }

  private final Settings settings;
  private final List<ManagedChannel> channels;
  private final List<SimulatedEnvoy> envoys = new ArrayList<>();
  private final ScheduledExecutorService timer;
  private final Optional<Caller> upstream;
  private final ShareLog shares = new ShareLog();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLongArray admittedBy;
  private final long startNanos;

  private EnvoyFleet(Settings settings, List<ManagedChannel> channels, Optional<Caller> upstream) {
    this.settings = settings;
    this.channels = List.copyOf(channels);
    this.upstream = upstream;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "rlqs-reports");
      t.setDaemon(true);
      return t;
    });
    int n = settings.plan().envoys();
    for (int i = 0; i < n; i++) {
      QuotaFilter filter = new QuotaFilter(settings.domain(), settings.behaviour());
      ManagedChannel channel = channels.get(i % channels.size());
      int index = i;
      envoys.add(new SimulatedEnvoy(filter, channel, settings.reportEvery(), timer, System::nanoTime,
          applied -> shares.record(index, applied.atNanos(), ShareLog.rateOf(applied.action()))));
    }
    this.admittedBy = new AtomicLongArray(n);
    this.startNanos = System.nanoTime();
  }

  /**
   * @param upstream where admitted calls go; without one, an allowed request counts as admitted
   * @throws IOException when the CA file cannot be read
   */
  public static EnvoyFleet open(Settings settings, Optional<Caller> upstream) throws IOException {
    List<ManagedChannel> channels = new ArrayList<>();
    for (RlsTarget target : settings.targets()) {
      channels.add(GrpcChannels.open(target, settings.caFile()));
    }
    return new EnvoyFleet(settings, channels, upstream);
  }

  /** @return the targets that did not connect in time */
  public List<RlsTarget> awaitReady(Duration timeout) throws InterruptedException {
    return GrpcChannels.awaitReady(channels, timeout).stream().map(settings.targets()::get).toList();
  }

  @Override
  public CallResult call(LatLng latLng) {
    long start = System.nanoTime();
    int which = settings.plan().envoyFor(sequence.getAndIncrement(), Duration.ofNanos(start - startNanos));
    boolean allowed = envoys.get(which).admit(settings.bucket());
    long decided = System.nanoTime() - start;
    if (!allowed) {
      return CallResult.of(Outcome.REJECTED, decided).withParts(decided, CallResult.NOT_MEASURED);
    }
    CallResult result;
    if (upstream.isEmpty()) {
      result = CallResult.of(Outcome.ADMITTED, decided).withParts(decided, CallResult.NOT_MEASURED);
    } else {
      CallResult answer = upstream.get().call(latLng);
      result = answer.withLatency(System.nanoTime() - start).withParts(decided, answer.latencyNanos());
    }
    if (result.outcome() == Outcome.ADMITTED) {
      admittedBy.incrementAndGet(which);
    }
    return result;
  }

  /** What the run showed about the shares: per Envoy, and how long rebalancing took. */
  public List<String> findings() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < envoys.size(); i++) {
      SimulatedEnvoy envoy = envoys.get(i);
      lines.add(String.format("envoy %d: %d admitted, %d assignments, %d stream(s) opened",
          i + 1, admittedBy.get(i), envoy.assignments(), envoy.streamsOpened()));
    }
    settings.plan().moveAt().ifPresent(moveAt ->
        lines.add(Rebalancing.line(shares, settings.plan(), startNanos + moveAt.toNanos(), moveAt)));
    return lines;
  }

  @Override
  public void close() {
    envoys.forEach(SimulatedEnvoy::close);
    timer.shutdownNow();
    GrpcChannels.close(channels);
  }
}
