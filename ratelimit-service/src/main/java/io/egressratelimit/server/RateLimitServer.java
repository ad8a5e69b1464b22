package io.egressratelimit.server;

import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigLoader;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.grpc.RateLimitGrpcService;
import io.egressratelimit.http.AdminHttpServer;
import io.egressratelimit.limiter.BucketStore;
import io.egressratelimit.limiter.CircuitBreakingStore;
import io.egressratelimit.limiter.OverLimitCache;
import io.egressratelimit.redis.RedisStores;
import java.time.Duration;
import io.egressratelimit.limiter.DecisionListener;
import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.RateLimitEngine;
import io.egressratelimit.limiter.RequestLimits;
import io.egressratelimit.memory.InMemoryBucketStore;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: builds every part from the settings, starts them, and drains them on stop. */
public final class RateLimitServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimitServer.class);
  private static final String SERVICE_NAME = RateLimitServiceGrpc.SERVICE_NAME;

  private final ServerSettings settings;
  private final Server grpcServer;
  private final AdminHttpServer httpServer;
  private final HealthStatusManager health;
  private final BucketStore store;
  private final ScheduledExecutorService housekeeping;
  private final AtomicBoolean serving;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RateLimitServer(ServerSettings settings, Server grpcServer, AdminHttpServer httpServer,
      HealthStatusManager health, BucketStore store, ScheduledExecutorService housekeeping, AtomicBoolean serving) {
    this.settings = settings;
    this.grpcServer = grpcServer;
    this.httpServer = httpServer;
    this.health = health;
    this.store = store;
    this.housekeeping = housekeeping;
    this.serving = serving;
  }

  /** Starts, serves until SIGTERM, drains, and returns the exit code. */
  static int run(ServerSettings settings) {
    RateLimitServer server = start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "drain"));
    try {
      server.grpcServer.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Builds and starts every part; a config or bind error surfaces as a {@link StartupException}. */
  public static RateLimitServer start(ServerSettings settings) {
    RateLimitConfig initial = loadConfig(settings);
    AtomicReference<RateLimitConfig> config = new AtomicReference<>(initial);
    ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "housekeeping");
      thread.setDaemon(true);
      return thread;
    });
    BucketStore store = createStore(settings, housekeeping);
    RateLimitEngine engine = new RateLimitEngine(
        config::get, store, DecisionListener.NONE, System::nanoTime, RequestLimits.DEFAULT,
        settings.failurePolicies());

    HealthStatusManager health = new HealthStatusManager();
    Server grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.grpcPort()))
        // Decisions never block (the stores answer asynchronously), so they run on the event loop
        // and skip a thread hop per call.
        .directExecutor()
        .addService(new RateLimitGrpcService(engine))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
    AtomicBoolean serving = new AtomicBoolean(true);
    AdminHttpServer httpServer;
    try {
      grpcServer.start();
      httpServer = AdminHttpServer.start(settings.host(), settings.httpPort(), serving::get);
    } catch (IOException e) {
      grpcServer.shutdownNow();
      store.close();
      throw new StartupException("cannot listen on " + settings.host() + ": " + e.getMessage(), e);
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
    RateLimitServer server =
        new RateLimitServer(settings, grpcServer, httpServer, health, store, housekeeping, serving);
    LOG.info("ratelimit-service serving gRPC on {}:{} and HTTP on {}:{}, store {}, {} domain(s) from {}",
        settings.host(), server.grpcPort(), settings.host(), httpServer.port(), store.describe(),
        initial.domains().size(), settings.configPath());
    return server;
  }

  private static RateLimitConfig loadConfig(ServerSettings settings) {
    try {
      return ConfigLoader.load(settings.configPath());
    } catch (ConfigException e) {
      throw new StartupException("invalid limits config: " + e.getMessage(), e);
    }
  }

  /** The store, wrapped so a failing backend costs no waiting and a known-empty bucket no round trip. */
  private static BucketStore createStore(ServerSettings settings, ScheduledExecutorService housekeeping) {
    BucketStore store;
    if (settings.redis().isPresent()) {
      try {
        store = new CircuitBreakingStore(
            RedisStores.connect(settings.redis().get()), NanoClock.SYSTEM, 5, Duration.ofMillis(250),
            Duration.ofSeconds(1));
      } catch (RuntimeException e) {
        throw new StartupException(e.getMessage(), e);
      }
    } else {
      InMemoryBucketStore memory = new InMemoryBucketStore(NanoClock.SYSTEM);
      housekeeping.scheduleWithFixedDelay(memory::evictIdle, 10, 10, TimeUnit.SECONDS);
      store = memory;
    }
    return settings.overLimitCacheSize() > 0
        ? new OverLimitCache(store, NanoClock.SYSTEM, settings.overLimitCacheSize())
        : store;
  }

  public int grpcPort() {
    return grpcServer.getPort();
  }

  public int httpPort() {
    return httpServer.port();
  }

  /**
   * Drains: health goes NOT_SERVING so load balancers stop sending, in-flight calls get the drain
   * period to finish, then everything closes.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("draining for up to {}", settings.drainPeriod());
    serving.set(false);
    health.enterTerminalState();
    grpcServer.shutdown();
    try {
      if (!grpcServer.awaitTermination(settings.drainPeriod().toMillis(), TimeUnit.MILLISECONDS)) {
        grpcServer.shutdownNow();
      }
    } catch (InterruptedException e) {
      grpcServer.shutdownNow();
      Thread.currentThread().interrupt();
    }
    httpServer.close();
    housekeeping.shutdownNow();
    store.close();
    LOG.info("stopped");
  }
}
