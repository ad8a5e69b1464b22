package io.egressratelimit.server;

import io.egressratelimit.budgets.BudgetActivity;
import io.egressratelimit.budgets.BudgetBoard;
import io.egressratelimit.config.RulesDump;
import io.egressratelimit.http.AdminEndpoints;
import io.egressratelimit.http.AdminHttpServer;
import io.egressratelimit.http.HttpListener;
import io.egressratelimit.http.PrometheusHttpServer;
import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.RateLimitEngine;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.metrics.ConfigLoadMetrics;
import io.egressratelimit.metrics.DecisionMetrics;
import io.egressratelimit.metrics.GrpcCallMetrics;
import io.egressratelimit.metrics.RlqsMetrics;
import io.egressratelimit.metrics.ServiceMetrics;
import io.egressratelimit.metrics.StatsdSink;
import io.egressratelimit.rlqs.RateLimitQuotaGrpcService;
import io.egressratelimit.rlqs.ledger.QuotaAssigner;
import io.egressratelimit.rlqs.ledger.QuotaBoard;
import io.egressratelimit.rlqs.ledger.QuotaTiming;
import io.egressratelimit.rls.RateLimitGrpcService;
import io.egressratelimit.settings.ListenSettings;
import io.egressratelimit.settings.PrometheusSettings;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.settings.UpstreamSettings;
import io.egressratelimit.tracing.Tracing;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every part from the settings, starts them, and drains them on
 * stop. Nothing else wires parts together.
 */
public final class RateLimitServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimitServer.class);
  private static final String SERVICE_NAME = RateLimitServiceGrpc.SERVICE_NAME;
  private static final Duration CONFIG_DEBOUNCE = Duration.ofMillis(250);

  private final ServerSettings settings;
  private final Server grpcServer;
  private final HttpListener httpServer;
  private final HealthStatusManager health;
  private final ServingState serving;
  private final Deque<AutoCloseable> closeLast;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> ready;

  private RateLimitServer(ServerSettings settings, Server grpcServer, HttpListener httpServer,
      HealthStatusManager health, ServingState serving, Deque<AutoCloseable> closeLast, CompletableFuture<Void> ready) {
    this.settings = settings;
    this.grpcServer = grpcServer;
    this.httpServer = httpServer;
    this.health = health;
    this.serving = serving;
    this.closeLast = closeLast;
    this.ready = ready;
  }

  /** Starts, serves until SIGTERM, drains, and exits 0. */
  static int run(ServerSettings settings) {
    RateLimitServer server = start(settings);
    if (settings.warmup().exitWhenReady()) {
      boolean ready = server.awaitReady(Duration.ofMinutes(2));
      server.close();
      LOG.info("exiting once ready, as asked (--exit-when-ready)");
      return ready ? 0 : 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      // A JVM stopped by a signal exits 143 once its hooks end; a finished drain is a clean stop, so
      // say so to Kubernetes and to scripts. Logging is synchronous, so nothing is lost here.
      Runtime.getRuntime().halt(0);
    }, "drain"));
    try {
      server.grpcServer.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Builds and starts every part; a user-fixable failure surfaces as a {@link StartupException}. */
  public static RateLimitServer start(ServerSettings settings) {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      return start(settings, started);
    } catch (RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  private static RateLimitServer start(ServerSettings settings, Deque<AutoCloseable> started) {
    settings.upstream().notices().forEach(LOG::info);
    ServiceMetrics metrics = new ServiceMetrics();
    started.push(metrics);
    settings.telemetry().statsd().ifPresent(statsd -> {
      started.push(StatsdSink.start(statsd, metrics.upstream()));
      LOG.info("sending {} stats to {}:{} every {} ms", statsd.dogStatsd() ? "DogStatsD" : "statsd", statsd.host(),
          statsd.port(), statsd.flushInterval().toMillis());
    });
    LimitsSource config = LimitsSource.start(settings, CONFIG_DEBOUNCE,
        new ConfigLoadMetrics(metrics.registry(), metrics.upstream()));
    started.push(config.closer());
    ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "housekeeping");
      thread.setDaemon(true);
      return thread;
    });
    started.push(housekeeping::shutdownNow);
    Optional<Tracing> tracing = settings.telemetry().tracing().map(Tracing::start);
    tracing.ifPresent(started::push);
    settings.telemetry().tracing().ifPresent(t -> LOG.info("tracing on: {}", t));
    // The warm-up's rehearsals are counted by the same code into meters of their own, which nobody
    // reads: the first real call then meets that code warm.
    ServiceMetrics rehearsalMetrics = ServiceMetrics.unread();
    started.push(rehearsalMetrics);
    StoreFactory.Stores stores = StoreFactory.create(settings, housekeeping, metrics.registry(),
        rehearsalMetrics.registry(),
        tracing.<UnaryOperator<BucketStore>>map(t -> t::traced).orElse(UnaryOperator.identity()));
    started.push(stores.store());
    stores.breaker().ifPresent(breaker -> metrics.watchCircuitBreaker(breaker::state));

    BudgetActivity activity = stores.store();
    BudgetBoard budgets = new BudgetBoard(config.current(), activity, activity, settings.store().redis().isPresent(),
        settings.budgets().shownPerRule(), Duration.ofSeconds(1), System::nanoTime, NanoClock.SYSTEM);
    RateLimitEngine engine = new RateLimitEngine(config.current(), activity,
        new DecisionMetrics(metrics.registry(), settings.answers().nearLimitRatio(), metrics.upstream(),
            settings.telemetry().metricValueKeys()),
        new DecisionMetrics(rehearsalMetrics.registry(), settings.answers().nearLimitRatio(),
            rehearsalMetrics.upstream(), settings.telemetry().metricValueKeys()),
        System::nanoTime, settings.engine());
    RateLimitGrpcService rateLimit = new RateLimitGrpcService(engine, settings.answers().responseHeaders(),
        settings.configSemantics().responseDynamicMetadata());
    HealthStatusManager health = new HealthStatusManager();
    // Liveness ("") is SERVING from the start; readiness waits for the store and the warm-up.
    health.setStatus(SERVICE_NAME, ServingStatus.NOT_SERVING);
    ServingState serving = new ServingState(stores.breaker(), settings.engine().failurePolicies(), config.waiting(),
        stores.connected().toCompletableFuture().isDone() ? "warming up"
            : "waiting for the first connection: " + stores.store().describe());
    metrics.watchServing(() -> serving.problem().isEmpty());

    Rehearsals rehearsals = new Rehearsals();
    started.push(stores.ledgers());
    if (!settings.rlqs().outlastsEnvoyReports()) {
      LOG.warn("RLQS_ASSIGNMENT_TTL {} s does not outlast Envoy's {} s report interval plus RLQS_DELIVERY_ALLOWANCE {} ms:"
              + " with Envoy 1.40 an RLQS share expires before its renewal arrives, so Envoys deny between the two and"
              + " every share is paid anew; use a TTL above {} s (docs/rlqs.md)",
          settings.rlqs().ttl().toSeconds(), QuotaTiming.ENVOY_REPORT_INTERVAL.toSeconds(),
          settings.rlqs().delivery().toMillis(),
          QuotaTiming.ENVOY_REPORT_INTERVAL.plus(settings.rlqs().delivery()).toSeconds());
    }
    RlqsMetrics quotaMetrics = new RlqsMetrics(metrics.registry());
    QuotaBoard quotaBoard = new QuotaBoard(stores.ledgers(), settings.budgets().shownPerRule(), Duration.ofSeconds(1),
        System::nanoTime);
    RateLimitQuotaGrpcService quota = new RateLimitQuotaGrpcService(config.current(),
        new QuotaAssigner(stores.ledgers(), settings.rlqs(), quotaMetrics), quotaBoard, quotaMetrics);
    Server grpcServer = GrpcServerFactory.build(settings, rateLimit, quota.withEnvoyAddresses(), health.getHealthService(),
        interceptors(metrics, rehearsals, rehearsalMetrics, tracing, new FirstConfigGate(SERVICE_NAME, config.answering(),
            "no limits config has arrived yet from " + config.origin())), started);
    HttpListener httpServer;
    try {
      grpcServer.start();
      started.push(grpcServer::shutdownNow);
      startPrometheusListener(settings, metrics, started);
      httpServer = AdminHttpServer.start(settings.listen().adminHost(), settings.listen().httpPort(),
          new AdminEndpoints(serving::problem, () -> RulesDump.render(config.current().get()), metrics::scrape,
              rateLimit::decide, budgets::view, quotaBoard::view), settings.listen().json());
    } catch (IOException e) {
      throw new StartupException("cannot listen on " + grpcAddress(settings, -1) + " or "
          + settings.listen().adminHost() + ":" + settings.listen().httpPort() + ": " + e.getMessage(), e);
    }
    stores.awaitFirstAttempt().run();
    BackendMonitor monitor = new BackendMonitor(serving, stores.breaker(), health, SERVICE_NAME);
    monitor.run();
    housekeeping.scheduleWithFixedDelay(monitor, 1, 1, TimeUnit.SECONDS);
    ExecutorService warmup = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "warmup");
      thread.setDaemon(true);
      return thread;
    });
    started.push(warmup::shutdownNow);
    int grpcPort = grpcServer.getPort();
    ReadyAfterWarmup readiness = new ReadyAfterWarmup(settings, grpcPort, rateLimit, rehearsals,
        config.current().get().examples(), serving, monitor);
    CompletableFuture<Void> ready = stores.connected().toCompletableFuture().thenRunAsync(readiness, warmup);
    LOG.info("ratelimit-service serving gRPC{} on {} and HTTP on {}:{}, store {}, {} domain(s) from {}{}",
        settings.listen().grpcTls().isPresent() ? " over TLS" : "", grpcAddress(settings, grpcServer.getPort()),
        settings.listen().adminHost(), httpServer.port(), stores.store().describe(),
        config.current().get().domains().size(), config.origin(),
        settings.engine().shadowModeForAll() ? ", in global shadow mode" : "");
    LOG.info("POST /json on the admin port: {}", settings.listen().json().describe());
    return new RateLimitServer(settings, grpcServer, httpServer, health, serving, started, ready);
  }

  /**
   * Waits until the replica reports SERVING for the first time (its store connected, its warm-up
   * done); false when the deadline passed first.
   */
  public boolean awaitReady(Duration deadline) {
    try {
      ready.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /** Tracing, when on, is the outermost, so its span covers the call as the caller sees it. */
  private static List<ServerInterceptor> interceptors(ServiceMetrics metrics, Rehearsals rehearsals,
      ServiceMetrics rehearsalMetrics, Optional<Tracing> tracing, FirstConfigGate gate) {
    List<ServerInterceptor> interceptors = new ArrayList<>();
    // Interceptors run in reverse order: the gate runs last, so call statistics and traces see its UNAVAILABLE.
    interceptors.add(gate);
    interceptors.add(new CallStatsInterceptor(new GrpcCallMetrics(metrics.registry(), metrics.upstream()), rehearsals,
        new GrpcCallMetrics(rehearsalMetrics.registry(), rehearsalMetrics.upstream())));
    tracing.ifPresent(t -> interceptors.add(t.serverInterceptor()));
    return interceptors;
  }

  private static String grpcAddress(ServerSettings settings, int port) {
    UpstreamSettings upstream = settings.upstream();
    ListenSettings listen = settings.listen();
    return upstream.grpcUds().map(socket -> "unix:" + socket)
        .orElseGet(() -> upstream.grpcHost().orElse(listen.host()) + ":" + (port < 0 ? listen.grpcPort() : port));
  }

  /** envoyproxy/ratelimit's {@code USE_PROMETHEUS} listener, beside the admin port's {@code /metrics}. */
  private static void startPrometheusListener(ServerSettings settings, ServiceMetrics metrics,
      Deque<AutoCloseable> started) throws IOException {
    if (settings.telemetry().prometheus().isEmpty()) {
      return;
    }
    PrometheusSettings prometheus = settings.telemetry().prometheus().get();
    HttpListener server = PrometheusHttpServer.start(prometheus.address(), prometheus.path(), metrics::scrape);
    started.push(server);
    LOG.info("Prometheus metrics also on {}:{}{}", prometheus.address().getHostString(), server.port(),
        prometheus.path());
  }

  public int grpcPort() {
    return grpcServer.getPort();
  }

  public int httpPort() {
    return httpServer.port();
  }

  /**
   * Drains: health fails at once so load balancers stop sending, calls are still answered for the
   * drain delay, then the gRPC server stops taking calls and those in flight get the drain period
   * to finish. Then everything closes, Redis connections included.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    serving.startDraining();
    health.enterTerminalState();
    LOG.info("draining: health checks fail now; answering for {} ms more, then up to {} ms for calls in flight",
        settings.drain().delay().toMillis(), settings.drain().period().toMillis());
    try {
      Thread.sleep(settings.drain().delay().toMillis());
      grpcServer.shutdown();
      if (!grpcServer.awaitTermination(settings.drain().period().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("calls still in flight after the drain period are cut");
        grpcServer.shutdownNow();
      }
    } catch (InterruptedException e) {
      grpcServer.shutdownNow();
      Thread.currentThread().interrupt();
    }
    httpServer.close();
    closeAll(closeLast);
    LOG.info("stopped");
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        LOG.warn("while closing: {}", e.toString());
      }
    }
  }
}
