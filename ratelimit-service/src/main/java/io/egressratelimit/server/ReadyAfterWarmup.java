package io.egressratelimit.server;

import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.rls.RateLimitGrpcService;
import io.egressratelimit.settings.ServerSettings;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a replica does between its store's first connection and reporting SERVING: the warm-up's
 * rehearsals over its own gRPC port, retried until the store has decided one run of them, then
 * readiness. Ends the rehearsals' marker whatever happens.
 */
final class ReadyAfterWarmup implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadyAfterWarmup.class);

  private final ServerSettings settings;
  private final int grpcPort;
  private final RateLimitGrpcService rateLimit;
  private final Rehearsals rehearsals;
  private final Map<String, List<List<DescriptorEntry>>> ruleExamples;
  private final ServingState serving;
  private final BackendMonitor monitor;

  ReadyAfterWarmup(ServerSettings settings, int grpcPort, RateLimitGrpcService rateLimit, Rehearsals rehearsals,
      Map<String, List<List<DescriptorEntry>>> ruleExamples, ServingState serving, BackendMonitor monitor) {
    this.settings = settings;
    this.grpcPort = grpcPort;
    this.rateLimit = rateLimit;
    this.rehearsals = rehearsals;
    this.ruleExamples = ruleExamples;
    this.serving = serving;
    this.monitor = monitor;
  }

  /**
   * Runs the warm-up until the store decided calls of one run, then reports SERVING at once. Over
   * TLS, when this replica's own certificate is not accepted as a client certificate by its mTLS
   * policy, the warm-up skips the socket and calls the service directly.
   */
  @Override
  public void run() {
    try {
      warmUpThenServe();
    } finally {
      rehearsals.end();
    }
  }

  private void warmUpThenServe() {
    serving.notReadyBecause("warming up");
    long started = System.nanoTime();
    int calls = 0;
    if (settings.warmup().calls() > 0) {
      StartupWarmup warmup = new StartupWarmup(settings.warmup(), ruleExamples);
      StartupWarmup.Loopback loopback = StartupWarmup.loopbackChannel(settings, grpcPort);
      Function<RateLimitRequest, CompletionStage<RateLimitResponse>> call =
          StartupWarmup.overGrpc(loopback.channel(), rehearsals.marker());
      try {
        StartupWarmup.awaitConnected(loopback.channel(), Duration.ofSeconds(5));
        boolean overSocket = true;
        for (int attempt = 1; ; attempt++) {
          StartupWarmup.Outcome outcome = warmup.run(call, serving::draining);
          calls += outcome.calls();
          if (serving.draining()) {
            return;
          }
          if (outcome.exercised()) {
            if (outcome.failed() > 0) {
              LOG.info("warm-up: {} of {} calls failed ({})", outcome.failed(), outcome.calls(), outcome.firstFailure());
            }
            break;
          }
          if (outcome.failed() == outcome.calls() && settings.listen().grpcTls().isPresent() && overSocket) {
            LOG.info("warm-up over TLS was refused ({}); warming up without the socket", outcome.firstFailure());
            call = rateLimit::rehearse;
            overSocket = false;
            continue;
          }
          LOG.warn("warm-up: {} of {} calls failed ({}); trying again", outcome.failed(), outcome.calls(),
              outcome.firstFailure());
          Thread.sleep(Math.min(1000, 100L * attempt));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        loopback.close().run();
      }
    }
    serving.ready();
    monitor.run();
    LOG.info("ready: RateLimitService health SERVING {} ms after the JVM started ({} warm-up calls in {} ms)",
        ManagementFactory.getRuntimeMXBean().getUptime(), calls, (System.nanoTime() - started) / 1_000_000);
  }
}
