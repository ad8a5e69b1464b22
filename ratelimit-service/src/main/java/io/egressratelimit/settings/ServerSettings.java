package io.egressratelimit.settings;

import io.egressratelimit.limiter.EngineSettings;
import io.egressratelimit.limiter.FailurePolicies;
import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.rlqs.ledger.QuotaTiming;
import io.egressratelimit.rls.RateLimitHeaders;
import io.egressratelimit.xds.XdsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of the service, read once at start-up by {@link ServeCommand}, in groups that each
 * serve one part of the composition root. Nothing else reads flags or the environment.
 *
 * @param limits where the limits config comes from: files or xDS
 * @param listen the gRPC and admin listeners
 * @param store Redis or the embedded store, and the over-limit cache in front of it
 * @param engine what the engine applies besides the limits: the failure policy, SHADOW_MODE, QUOTA_MODE
 * @param answers what answers and metrics tell besides the decision
 * @param configSemantics RESPONSE_DYNAMIC_METADATA and MERGE_DOMAIN_CONFIG
 * @param drain what happens on SIGTERM
 * @param telemetry where metrics go besides the admin port
 * @param budgets what {@code /budgets} keeps and shows
 * @param upstream envoyproxy/ratelimit's own variables: the gRPC socket, connection age, client SAN,
 *     and the notes on those that do not apply
 * @param warmup the warm-up run before the replica reports SERVING
 */
public record ServerSettings(
    LimitsSettings limits,
    ListenSettings listen,
    StoreSettings store,
    EngineSettings engine,
    AnswerSettings answers,
    ConfigSemantics configSemantics,
    DrainSettings drain,
    TelemetrySettings telemetry,
    BudgetsSettings budgets,
    UpstreamSettings upstream,
    WarmupSettings warmup,
    QuotaTiming rlqs) {

  public ServerSettings {
    for (Object group : new Object[] {limits, listen, store, engine, answers, configSemantics, drain, telemetry,
        budgets, upstream, warmup, rlqs}) {
      Objects.requireNonNull(group, "every settings group is required");
    }
  }

  /** Settings for a local in-memory service with the documented defaults; tests start from here. */
  public static ServerSettings inMemory(Path configPath, int grpcPort, int httpPort) {
    return new ServerSettings(
        new LimitsSettings(configPath, Duration.ofSeconds(5), Optional.empty(), false),
        new ListenSettings("127.0.0.1", grpcPort, httpPort, Optional.empty()),
        new StoreSettings(Optional.empty(), 10_000),
        EngineSettings.DEFAULT,
        new AnswerSettings(0.8, Optional.empty()),
        ConfigSemantics.DEFAULT,
        new DrainSettings(Duration.ZERO, Duration.ofSeconds(1)),
        TelemetrySettings.NONE,
        BudgetsSettings.DEFAULT,
        UpstreamSettings.DEFAULTS,
        WarmupSettings.DEFAULT,
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
    private LimitsSettings limits;
    private ListenSettings listen;
    private StoreSettings store;
    private EngineSettings engine;
    private AnswerSettings answers;
    private ConfigSemantics configSemantics;
    private DrainSettings drain;
    private TelemetrySettings telemetry;
    private final BudgetsSettings budgets;
    private UpstreamSettings upstream;
    private WarmupSettings warmup;
    private QuotaTiming rlqs;

    private Builder(ServerSettings base) {
      this.limits = base.limits;
      this.listen = base.listen;
      this.store = base.store;
      this.engine = base.engine;
      this.answers = base.answers;
      this.configSemantics = base.configSemantics;
      this.drain = base.drain;
      this.telemetry = base.telemetry;
      this.budgets = base.budgets;
      this.upstream = base.upstream;
      this.warmup = base.warmup;
      this.rlqs = base.rlqs;
    }

    public Builder redis(Optional<RedisStoreSettings> value) {
      store = store.withRedis(value);
      return this;
    }

    public Builder failurePolicies(FailurePolicies value) {
      engine = engine.withFailurePolicies(value);
      return this;
    }

    public Builder shadowModeForAll(boolean value) {
      engine = engine.withShadowModeForAll(value);
      return this;
    }

    public Builder responseHeaders(Optional<RateLimitHeaders> value) {
      answers = new AnswerSettings(answers.nearLimitRatio(), value);
      return this;
    }

    public Builder configPollInterval(Duration value) {
      limits = limits.withConfigPollInterval(value);
      return this;
    }

    public Builder allowDomainRemoval(boolean value) {
      limits = new LimitsSettings(limits.configPath(), limits.configPollInterval(), limits.xds(), value);
      return this;
    }

    public Builder xds(Optional<XdsSettings> value) {
      limits = limits.withXds(value);
      return this;
    }

    public Builder grpcTls(Optional<GrpcTlsSettings> value) {
      listen = listen.withGrpcTls(value);
      return this;
    }

    public Builder drain(DrainSettings value) {
      drain = value;
      return this;
    }

    public Builder telemetry(TelemetrySettings value) {
      telemetry = value;
      return this;
    }

    public Builder configSemantics(ConfigSemantics value) {
      configSemantics = value;
      return this;
    }

    public Builder upstream(UpstreamSettings value) {
      upstream = value;
      return this;
    }

    public Builder rlqs(QuotaTiming value) {
      rlqs = value;
      return this;
    }

    public Builder warmup(WarmupSettings value) {
      warmup = value;
      return this;
    }

    public ServerSettings build() {
      return new ServerSettings(
          limits, listen, store, engine, answers, configSemantics, drain, telemetry, budgets, upstream, warmup, rlqs);
    }
  }
}
