package io.egressratelimit.testing;

import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigParser;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.limiter.DecisionListener;
import io.egressratelimit.limiter.EngineSettings;
import io.egressratelimit.limiter.ManualClock;
import io.egressratelimit.limiter.RateLimitEngine;
import io.egressratelimit.memory.InMemoryBucketStore;
import io.egressratelimit.rls.RateLimitGrpcService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The gRPC service as the fuzz targets drive it: the config with every construct
 * ({@code config/valid/compat.yaml}), the in-memory store on a clock that never moves, dynamic
 * metadata on, and optionally QUOTA_MODE for every descriptor.
 */
public final class FuzzedService {
  private FuzzedService() {}

  public static RateLimitGrpcService create(boolean quotaModeForAll) {
    RateLimitConfig config;
    try (InputStream in = FuzzedService.class.getResourceAsStream("/config/valid/compat.yaml")) {
      config = ConfigParser.parse("compat.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
    RateLimitEngine engine = new RateLimitEngine(() -> config, new InMemoryBucketStore(ManualClock.midMinute()),
        DecisionListener.NONE, System::nanoTime, EngineSettings.DEFAULT.withQuotaModeForAll(quotaModeForAll));
    return new RateLimitGrpcService(engine, Optional.empty(), true);
  }
}
