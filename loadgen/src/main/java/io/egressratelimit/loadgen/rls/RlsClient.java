package io.egressratelimit.loadgen.rls;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc.RateLimitServiceBlockingStub;
import io.envoyproxy.envoy.type.v3.RateLimitUnit;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls {@code ShouldRateLimit} the way Envoy's http ratelimit filter does: one request per call
 * with the configured domain and descriptors, under a short deadline, spread round-robin over the
 * service's replicas.
 */
public final class RlsClient implements AutoCloseable {
  private final List<RlsTarget> targets;
  private final List<ManagedChannel> channels;
  private final List<RateLimitServiceBlockingStub> stubs = new ArrayList<>();
  private final RateLimitRequest request;
  private final long deadlineNanos;
  private final AtomicInteger next = new AtomicInteger();
  /** The service's reserved warm-up domain: its buckets are its own and live a second. */
  private static final String WARMUP_DOMAIN = "_ratelimit_warmup";
  private static final long WARMUP_DEADLINE_SECONDS = 1;
  private static final RateLimitRequest WARMUP_REQUEST = RateLimitRequest.newBuilder()
      .setDomain(WARMUP_DOMAIN)
      .addDescriptors(RateLimitDescriptor.newBuilder()
          .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("loadgen_warmup").setValue("client"))
          .setLimit(RateLimitDescriptor.RateLimitOverride.newBuilder()
              .setRequestsPerUnit(1_000_000).setUnit(RateLimitUnit.SECOND)))
      .build();

  private RlsClient(
      List<RlsTarget> targets, List<ManagedChannel> channels, RateLimitRequest request, Duration deadline) {
    this.targets = List.copyOf(targets);
    this.channels = List.copyOf(channels);
    this.request = request;
    this.deadlineNanos = deadline.toNanos();
    channels.forEach(c -> stubs.add(RateLimitServiceGrpc.newBlockingStub(c)));
  }

  /**
   * @param caFile when present, TLS to every target, trusting this CA bundle (PEM)
   * @throws IOException when the CA file cannot be read
   */
  public static RlsClient open(
      List<RlsTarget> targets,
      Optional<Path> caFile,
      String domain,
      List<RateLimitDescriptor> descriptors,
      Duration deadline)
      throws IOException {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("at least one rate limit service target is needed");
    }
    List<ManagedChannel> channels = new ArrayList<>();
    for (RlsTarget target : targets) {
      channels.add(GrpcChannels.open(target, caFile));
    }
    RateLimitRequest request =
        RateLimitRequest.newBuilder().setDomain(domain).addAllDescriptors(descriptors).build();
    return new RlsClient(targets, channels, request, deadline);
  }

  /**
   * Connects every channel before the run, so the first calls do not spend their short deadline on
   * connection setup (Envoy keeps its connections warm too).
   *
   * @return the targets that did not become ready in time
   */
  public List<RlsTarget> awaitReady(Duration timeout) throws InterruptedException {
    return GrpcChannels.awaitReady(channels, timeout).stream().map(targets::get).toList();
  }

  /**
   * Calls every replica from {@code threads} threads for {@code length} before the counted run,
   * in the service's reserved warm-up domain, each call asking for a limit of its own (a million
   * per second), so no configured budget is spent. A fresh client JVM otherwise pays its own start
   * (class loading, interpreted code, JIT compiler threads on the same cores) inside its first
   * calls' deadline, as Envoy, whose process is long warm, never does.
   *
   * @return the warm-up calls answered
   */
  public int warmUp(int threads, Duration length) throws InterruptedException {
    AtomicInteger answered = new AtomicInteger();
    long end = System.nanoTime() + length.toNanos();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        int call = 0;
        while (System.nanoTime() < end) {
          RateLimitServiceBlockingStub stub = stubs.get(call++ % stubs.size());
          try {
            stub.withDeadlineAfter(WARMUP_DEADLINE_SECONDS, TimeUnit.SECONDS).shouldRateLimit(WARMUP_REQUEST);
            answered.incrementAndGet();
          } catch (StatusRuntimeException e) {
            // a warm-up call that fails still warmed this side's path
          }
        }
      }, "rls-warmup-" + t);
      worker.setDaemon(true);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    return answered.get();
  }

  public RlsDecision decide() {
    RateLimitServiceBlockingStub stub = stubs.get(Math.floorMod(next.getAndIncrement(), stubs.size()));
    RateLimitResponse response;
    try {
      response = stub.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS).shouldRateLimit(request);
    } catch (StatusRuntimeException e) {
      return RlsDecision.failed();
    }
    // Envoy's filter treats anything but OVER_LIMIT (UNKNOWN included) as OK; so do we
    if (response.getOverallCode() != RateLimitResponse.Code.OVER_LIMIT) {
      return RlsDecision.ok();
    }
    Optional<Duration> hint =
        response.getStatusesList().stream()
            .filter(s -> s.getCode() == RateLimitResponse.Code.OVER_LIMIT && s.hasDurationUntilReset())
            .map(s -> toJava(s.getDurationUntilReset()))
            .max(Duration::compareTo);
    return new RlsDecision(RlsDecision.Verdict.OVER_LIMIT, hint);
  }

  private static Duration toJava(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  @Override
  public void close() {
    GrpcChannels.close(channels);
  }
}
