package io.egressratelimit.settings;

import io.egressratelimit.http.JsonAccess;
import io.egressratelimit.limiter.EngineSettings;
import io.egressratelimit.limiter.FailurePolicies;
import io.egressratelimit.limiter.FailurePolicy;
import io.egressratelimit.limiter.RequestLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The settings of the service, each a flag that falls back to an environment variable, named as
 * envoyproxy/ratelimit names it where the meaning is the same. They are read here once, checked,
 * and handed on as one {@link ServerSettings}.
 */
@Command(
    name = "ratelimit-service",
    mixinStandardHelpOptions = true,
    description = "Envoy RateLimitService v3 with one exact budget shared by every replica.",
    showDefaultValues = true,
    sortOptions = false)
public final class ServeCommand implements Callable<Integer> {
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");

  /** What runs the service once its settings are read: the composition root. */
  private final ToIntFunction<ServerSettings> serve;

  public ServeCommand(ToIntFunction<ServerSettings> serve) {
    this.serve = serve;
  }

  /** The process environment, read once; envoyproxy/ratelimit's variables without a flag come from here. */
  Map<String, String> environment = System.getenv();

  @Spec
  CommandSpec spec;

  @Option(names = "--config", defaultValue = "${env:CONFIG_PATH}", paramLabel = "PATH",
      description = "Limits YAML file, or a directory of them (one domain per file); reloaded when it changes. "
          + "Without it, envoyproxy/ratelimit's $RUNTIME_ROOT/$RUNTIME_SUBDIRECTORY/$RUNTIME_APPDIRECTORY. "
          + "Not used with --config-type GRPC_XDS_SOTW. Env: CONFIG_PATH.")
  Path configPath;

  @Option(names = "--host", defaultValue = "${env:HOST:-0.0.0.0}", paramLabel = "ADDRESS",
      description = "Address to bind the gRPC server to (unless GRPC_HOST), and the admin HTTP port unless "
          + "--admin-host. Env: HOST.")
  String host;

  @Option(names = "--admin-host", defaultValue = "${env:ADMIN_HOST}", paramLabel = "ADDRESS",
      description = "Address to bind the admin HTTP port to, e.g. 127.0.0.1 to keep it on the pod; default: the "
          + "--host address. Env: ADMIN_HOST.")
  String adminHost;

  @Option(names = "--json-endpoint", defaultValue = "${env:JSON_ENDPOINT}", paramLabel = "ACCESS",
      description = "Who may POST /json, which spends budget: loopback (clients on this host, e.g. kubectl "
          + "port-forward; the default), off (the default when gRPC requires client certificates), or on (any "
          + "client, as envoyproxy/ratelimit; refused with client certificates required). Env: JSON_ENDPOINT.")
  String jsonEndpoint;

  @Option(names = "--grpc-port", defaultValue = "${env:GRPC_PORT:-8081}", paramLabel = "PORT",
      description = "gRPC port for Envoy's RateLimitService. Env: GRPC_PORT.")
  int grpcPort;

  @Option(names = "--http-port", defaultValue = "${env:PORT:-8080}", paramLabel = "PORT",
      description = "Admin HTTP port: /healthcheck, /rlconfig, /json, /metrics. Env: PORT.")
  int httpPort;

  @Mixin
  RedisOptions redis;

  @Option(names = "--failure-policy", defaultValue = "${env:FAILURE_POLICY:-unavailable}", paramLabel = "POLICY",
      description = "When the store cannot answer: unavailable (gRPC UNAVAILABLE, so Envoy's failure_mode_deny "
          + "decides, and /healthcheck fails while the store is down), deny (OVER_LIMIT) or allow (OK). "
          + "Env: FAILURE_POLICY.")
  String failurePolicy;

  @Option(names = "--failure-policy-domains", defaultValue = "${env:FAILURE_POLICY_DOMAINS:-}",
      paramLabel = "DOMAIN=POLICY,...", description = "Per-domain failure policies, e.g. geocode=deny. "
          + "Env: FAILURE_POLICY_DOMAINS.")
  String failurePolicyDomains;

  @Option(names = "--over-limit-cache-size", defaultValue = "${env:OVER_LIMIT_CACHE_SIZE:-100000}", paramLabel = "N",
      description = "Buckets remembered as empty and answered locally until their next token; 0 disables. "
          + "Env: OVER_LIMIT_CACHE_SIZE.")
  int overLimitCacheSize;

  @Option(names = "--shadow-mode", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:SHADOW_MODE:-false}",
      description = "Global shadow mode: every limit only reports and every answer is OK, while metrics still "
          + "count what would have been denied. Env: SHADOW_MODE.")
  boolean shadowMode;

  @Option(names = "--near-limit-ratio", defaultValue = "${env:NEAR_LIMIT_RATIO:-0.8}", paramLabel = "RATIO",
      description = "Share of a bucket's capacity past which admitted hits count as near the limit "
          + "(ratelimit_near_limit_total). Env: NEAR_LIMIT_RATIO.")
  double nearLimitRatio;

  @Mixin
  ResponseHeaderOptions responseHeaders;

  @Mixin
  GrpcTlsOptions grpcTls;

  @Mixin
  ConfigSemanticsOptions configSemantics;

  @Option(names = "--config-poll-interval", defaultValue = "${env:CONFIG_POLL_INTERVAL:-5s}", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How often the config is re-read besides file change events; 0s relies on events alone. "
          + "Env: CONFIG_POLL_INTERVAL.")
  Duration configPollInterval;

  @Option(names = "--allow-domain-removal", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:ALLOW_DOMAIN_REMOVAL:-false}",
      description = "Let a reload remove a domain that has rules. By default such a reload is refused and the last "
          + "good config kept (a lost limits file would leave the domain's traffic unlimited); a start loads any "
          + "config. Env: ALLOW_DOMAIN_REMOVAL.")
  boolean allowDomainRemoval;

  @Option(names = "--drain-delay", defaultValue = "${env:DRAIN_DELAY:-2s}", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "On SIGTERM, how long to keep answering while health checks already fail, so that load "
          + "balancers stop sending first. Env: DRAIN_DELAY.")
  Duration drainDelay;

  @Option(names = "--drain-period", defaultValue = "${env:DRAIN_PERIOD:-5s}", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Then, how long calls in flight may take to finish. Env: DRAIN_PERIOD.")
  Duration drainPeriod;

  @Mixin
  XdsOptions xds;

  @Mixin
  WarmupOptions warmup;

  @Mixin
  RlqsOptions rlqs;

  @Mixin
  LoggingOptions logging;

  @Mixin
  TelemetryOptions telemetry;

  @Mixin
  BudgetsOptions budgets;

  @Override
  public Integer call() {
    redis.registerSecrets();
    telemetry.registerSecrets();
    logging.apply();
    redis.commandLinePasswordWarning(environment).ifPresent(LoggerFactory.getLogger(ServeCommand.class)::warn);
    return serve.applyAsInt(settings());
  }

  ServerSettings settings() {
    UpstreamEnvironment upstream = UpstreamEnvironment.read(environment, boundVariables());
    Path config = xds.selected() ? null : upstream.configLocation(configPath);
    SettingChecks.port("--grpc-port (GRPC_PORT)", grpcPort);
    SettingChecks.port("--http-port (PORT)", httpPort);
    int cacheSize = upstream.overLimitCacheSize(overLimitCacheSize);
    if (cacheSize < 0) {
      throw new SettingsException("--over-limit-cache-size (OVER_LIMIT_CACHE_SIZE) must not be negative, got "
          + cacheSize);
    }
    if (!(nearLimitRatio >= 0 && nearLimitRatio <= 1)) {
      throw new SettingsException("--near-limit-ratio (NEAR_LIMIT_RATIO) must be between 0 and 1, got "
          + nearLimitRatio);
    }
    SettingChecks.notNegative("--config-poll-interval (CONFIG_POLL_INTERVAL)", configPollInterval);
    SettingChecks.notNegative("--drain-delay (DRAIN_DELAY)", drainDelay);
    SettingChecks.positive("--drain-period (DRAIN_PERIOD)", drainPeriod);
    var tls = grpcTls.toSettings();
    UpstreamSettings upstreamSettings = upstream.settings(tls.flatMap(GrpcTlsSettings::clientCa).isPresent());
    return new ServerSettings(
        new LimitsSettings(config, configPollInterval, xds.toSettings(), allowDomainRemoval),
        new ListenSettings(host, adminHost == null || adminHost.isBlank() ? host : adminHost.trim(), grpcPort,
            httpPort, tls, jsonAccess(tls.flatMap(GrpcTlsSettings::clientCa).isPresent())),
        new StoreSettings(upstream.redis(redis.toSettings()), cacheSize),
        new EngineSettings(RequestLimits.DEFAULT, failurePolicies(), shadowMode, configSemantics.quotaMode),
        new AnswerSettings(nearLimitRatio, responseHeaders.toSettings()),
        configSemantics.toSettings(), new DrainSettings(drainDelay, drainPeriod), telemetry.toSettings(),
        budgets.toSettings(), upstreamSettings, warmup.toSettings(), rlqs.toSettings());
  }

  /** The variables that flags fall back to: those are never judged as upstream-only. */
  private Set<String> boundVariables() {
    return spec.options().stream()
        .map(option -> option.defaultValueString(false))
        .filter(java.util.Objects::nonNull)
        .map(ENV_DEFAULT::matcher)
        .filter(Matcher::find)
        .map(matcher -> matcher.group(1))
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Who may call /json. With client certificates required on gRPC, /json would be a way around
   * them: it is off by default then, and open to every client is refused.
   */
  private JsonAccess jsonAccess(boolean clientCertificatesRequired) {
    if (jsonEndpoint == null || jsonEndpoint.isBlank()) {
      return clientCertificatesRequired ? JsonAccess.OFF : JsonAccess.LOOPBACK;
    }
    JsonAccess access;
    try {
      access = JsonAccess.parse(jsonEndpoint);
    } catch (IllegalArgumentException e) {
      throw new SettingsException("--json-endpoint (JSON_ENDPOINT) " + e.getMessage());
    }
    if (access == JsonAccess.ON && clientCertificatesRequired) {
      throw new SettingsException("--json-endpoint on (JSON_ENDPOINT=on) would let any client that reaches the admin "
          + "port spend budget without the client certificate gRPC requires (GRPC_CLIENT_TLS_CACERT); use loopback "
          + "or off");
    }
    return access;
  }

  private FailurePolicies failurePolicies() {
    FailurePolicy fallback;
    try {
      fallback = FailurePolicy.parse(failurePolicy);
    } catch (IllegalArgumentException e) {
      throw new SettingsException("--failure-policy (FAILURE_POLICY): " + e.getMessage());
    }
    try {
      return new FailurePolicies(fallback, FailurePolicies.parseOverrides(failurePolicyDomains));
    } catch (IllegalArgumentException e) {
      throw new SettingsException("--failure-policy-domains (FAILURE_POLICY_DOMAINS): " + e.getMessage());
    }
  }
}
