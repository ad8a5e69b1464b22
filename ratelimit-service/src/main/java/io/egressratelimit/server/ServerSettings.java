package io.egressratelimit.server;

import io.egressratelimit.grpc.RateLimitHeaders;
import io.egressratelimit.limiter.Enforcement;
import io.egressratelimit.limiter.FailurePolicies;
import io.egressratelimit.quota.QuotaTiming;
import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.xds.XdsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of the service, read once at start-up by {@link ServeCommand}. Nothing else reads
 * flags or the environment.
 *
 * @param configPath a limits YAML file or a directory of them; null when the limits come from xDS
 * @param host the address both servers bind to
 * @param grpcPort the RateLimitService port (0 picks a free one)
 * @param httpPort the admin HTTP port (0 picks a free one)
 * @param redis the Redis store; empty selects the embedded in-memory store
 * @param failurePolicies what a request gets when the store cannot answer
 * @param overLimitCacheSize buckets remembered as empty, answered without a round trip; 0 disables
 * @param drain what happens on SIGTERM
 * @param enforcement REPORT_ONLY is the global shadow mode: nothing is ever denied
 * @param nearLimitRatio the share of a bucket's capacity past which admitted hits count as near the limit
 * @param responseHeaders the budget headers added to every answer; empty adds none
 * @param configPollInterval how often the config files are compared with the config in force, besides
 *     file system events; zero relies on the events alone
 * @param grpcTls TLS (and mTLS) on the gRPC port; empty serves plaintext
 * @param telemetry where metrics go besides the admin port
 * @param configSemantics QUOTA_MODE, RESPONSE_DYNAMIC_METADATA and MERGE_DOMAIN_CONFIG
 * @param budgets what {@code /budgets} keeps and shows
 * @param upstream envoyproxy/ratelimit's own variables: the gRPC socket, connection age, client SAN,
 *     and the notes on those that do not apply
 * @param xds the xDS management server the limits come from; empty reads them from {@code configPath}
 * @param warmup the warm-up run before the replica reports SERVING
 */
public record ServerSettings(
    Path configPath,
    String host,
    int grpcPort,
    int httpPort,
    Optional<RedisStoreSettings> redis,
    FailurePolicies failurePolicies,
    int overLimitCacheSize,
    DrainSettings drain,
    Enforcement enforcement,
    double nearLimitRatio,
    Optional<RateLimitHeaders> responseHeaders,
    Duration configPollInterval,
    Optional<GrpcTlsSettings> grpcTls,
    TelemetrySettings telemetry,
    ConfigSemantics configSemantics,
    BudgetsSettings budgets,
    UpstreamSettings upstream,
    Optional<XdsSettings> xds,
    WarmupSettings warmup,
    QuotaTiming rlqs) {

  public ServerSettings {
    Objects.requireNonNull(xds, "xds");
    if (xds.isEmpty()) {
      Objects.requireNonNull(configPath, "configPath");
    }
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(failurePolicies, "failurePolicies");
    Objects.requireNonNull(drain, "drain");
    Objects.requireNonNull(enforcement, "enforcement");
    Objects.requireNonNull(responseHeaders, "responseHeaders");
    Objects.requireNonNull(configPollInterval, "configPollInterval");
    Objects.requireNonNull(grpcTls, "grpcTls");
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(configSemantics, "configSemantics");
    Objects.requireNonNull(budgets, "budgets");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(rlqs, "rlqs");
  }

  /** Settings for a local in-memory service with the documented defaults; tests start from here. */
  public static ServerSettings inMemory(Path configPath, int grpcPort, int httpPort) {
    return new ServerSettings(configPath, "127.0.0.1", grpcPort, httpPort, Optional.empty(), FailurePolicies.DEFAULT,
        10_000, new DrainSettings(Duration.ZERO, Duration.ofSeconds(1)), Enforcement.AS_CONFIGURED, 0.8,
        Optional.empty(), Duration.ofSeconds(5), Optional.empty(), TelemetrySettings.NONE, ConfigSemantics.DEFAULT,
        BudgetsSettings.DEFAULT, UpstreamSettings.DEFAULTS, Optional.empty(), WarmupSettings.DEFAULT,
        RlqsOptions.DEFAULT_TIMING);
  }

  public ServerSettings withRedis(RedisStoreSettings redisSettings) {
    return toBuilder().redis(Optional.of(redisSettings)).build();
  }

  public ServerSettings withFailurePolicies(FailurePolicies policies) {
    return toBuilder().failurePolicies(policies).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy with some settings changed. */
  public static final class Builder {
    private final ServerSettings base;
    private Optional<RedisStoreSettings> redis;
    private FailurePolicies failurePolicies;
    private DrainSettings drain;
    private Enforcement enforcement;
    private Optional<RateLimitHeaders> responseHeaders;
    private Duration configPollInterval;
    private Optional<GrpcTlsSettings> grpcTls;
    private TelemetrySettings telemetry;
    private ConfigSemantics configSemantics;
    private UpstreamSettings upstream;
    private Optional<XdsSettings> xds;
    private WarmupSettings warmup;
    private QuotaTiming rlqs;

    private Builder(ServerSettings base) {
      this.base = base;
      this.redis = base.redis;
      this.failurePolicies = base.failurePolicies;
      this.drain = base.drain;
      this.enforcement = base.enforcement;
      this.responseHeaders = base.responseHeaders;
      this.configPollInterval = base.configPollInterval;
      this.grpcTls = base.grpcTls;
      this.telemetry = base.telemetry;
      this.configSemantics = base.configSemantics;
      this.upstream = base.upstream;
      this.xds = base.xds;
      this.warmup = base.warmup;
      this.rlqs = base.rlqs;
    }

    public Builder redis(Optional<RedisStoreSettings> value) {
      this.redis = value;
      return this;
    }

    public Builder failurePolicies(FailurePolicies value) {
      this.failurePolicies = value;
      return this;
    }

    public Builder drain(DrainSettings value) {
      this.drain = value;
      return this;
    }

    public Builder enforcement(Enforcement value) {
      this.enforcement = value;
      return this;
    }

    public Builder responseHeaders(Optional<RateLimitHeaders> value) {
      this.responseHeaders = value;
      return this;
    }

    public Builder configPollInterval(Duration value) {
      this.configPollInterval = value;
      return this;
    }

    public Builder grpcTls(Optional<GrpcTlsSettings> value) {
      this.grpcTls = value;
      return this;
    }

    public Builder telemetry(TelemetrySettings value) {
      this.telemetry = value;
      return this;
    }

    public Builder configSemantics(ConfigSemantics value) {
      this.configSemantics = value;
      return this;
    }

    public Builder upstream(UpstreamSettings value) {
      this.upstream = value;
      return this;
    }

    public Builder xds(Optional<XdsSettings> value) {
      this.xds = value;
      return this;
    }

    public Builder rlqs(QuotaTiming value) {
      this.rlqs = value;
      return this;
    }

    public Builder warmup(WarmupSettings value) {
      this.warmup = value;
      return this;
    }

    public ServerSettings build() {
      return new ServerSettings(base.configPath, base.host, base.grpcPort, base.httpPort, redis, failurePolicies,
          base.overLimitCacheSize, drain, enforcement, base.nearLimitRatio, responseHeaders, configPollInterval,
          grpcTls, telemetry, configSemantics, base.budgets, upstream, xds, warmup, rlqs);
    }
  }
}
