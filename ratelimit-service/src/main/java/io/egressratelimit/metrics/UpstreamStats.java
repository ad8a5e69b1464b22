package io.egressratelimit.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The counters envoyproxy/ratelimit users already chart and alert on, with its names, labels and
 * meanings, so dashboards keep working after the swap: per rule {@code total_hits},
 * {@code over_limit}, {@code near_limit}, {@code within_limit} and {@code shadow_mode}; the
 * {@code should_rate_limit} errors; config loads; and gRPC calls per method.
 *
 * <p>Counts live here once; the Prometheus text and the statsd sink both read them.
 */
public final class UpstreamStats {
  static final String RATE_LIMIT_PREFIX = "ratelimit.service.rate_limit.";
  private static final List<String> RULE_STATS =
      List.of("total_hits", "over_limit", "near_limit", "within_limit", "shadow_mode");
  private static final Map<String, String> HELP = Map.of(
      "ratelimit_service_rate_limit_total_hits", "Hits on the rule: each request adds its hits addend",
      "ratelimit_service_rate_limit_over_limit", "Hits over the rule's limit, including would-be denials of "
          + "shadow-mode rules",
      "ratelimit_service_rate_limit_near_limit", "Admitted hits that took the bucket past NEAR_LIMIT_RATIO",
      "ratelimit_service_rate_limit_within_limit", "Hits admitted by the rule",
      "ratelimit_service_rate_limit_shadow_mode", "Hits a shadow-mode rule would have denied but admitted",
      "ratelimit_service_should_rate_limit_error", "ShouldRateLimit calls that failed, by err_type: redis_error "
          + "(the bucket store could not answer) or service_error (an invalid request or an internal error)",
      "ratelimit_service_config_load_success", "Limits config loads that went into force, the first one included",
      "ratelimit_service_config_load_error", "Limits config loads rejected; the last good config stays in force",
      "ratelimit_service_total_requests", "gRPC calls received, by method");

  /** The five counters of one stat key, in {@link #RULE_STATS} order. */
  record RuleStats(UpstreamStat totalHits, UpstreamStat overLimit, UpstreamStat nearLimit, UpstreamStat withinLimit,
      UpstreamStat shadowMode) {
    void add(HitCounts counts) {
      totalHits.add(counts.total());
      overLimit.add(counts.overLimit());
      nearLimit.add(counts.nearLimit());
      withinLimit.add(counts.withinLimit());
      shadowMode.add(counts.shadowMode());
    }
  }

  private final Map<String, RuleStats> rules = new ConcurrentHashMap<>();
  private final Map<String, UpstreamStat> calls = new ConcurrentHashMap<>();
  private final Queue<UpstreamStat> all = new ConcurrentLinkedQueue<>();
  private final List<Consumer<UpstreamStat>> watchers = new CopyOnWriteArrayList<>();
  private final List<CallTimeWatcher> callTimeWatchers = new CopyOnWriteArrayList<>();
  private final UpstreamStat redisError;
  private final UpstreamStat serviceError;
  private final UpstreamStat configLoadSuccess;
  private final UpstreamStat configLoadError;

  public UpstreamStats() {
    redisError = error("redis_error");
    serviceError = error("service_error");
    configLoadSuccess = register(new UpstreamStat("ratelimit.service.config_load_success",
        "ratelimit_service_config_load_success", Map.of()));
    configLoadError = register(new UpstreamStat("ratelimit.service.config_load_error",
        "ratelimit_service_config_load_error", Map.of()));
  }

  private UpstreamStat error(String type) {
    return register(new UpstreamStat("ratelimit.service.call.should_rate_limit." + type,
        "ratelimit_service_should_rate_limit_error", Map.of("err_type", type)));
  }

  RuleStats rule(String statKey) {
    RuleStats existing = rules.get(statKey);
    return existing != null ? existing : rules.computeIfAbsent(statKey, this::newRule);
  }

  private RuleStats newRule(String statKey) {
    Map<String, String> labels = UpstreamStatKey.labels(statKey);
    List<UpstreamStat> stats = new ArrayList<>();
    for (String stat : RULE_STATS) {
      stats.add(register(new UpstreamStat(RATE_LIMIT_PREFIX + statKey + "." + stat,
          "ratelimit_service_rate_limit_" + stat, labels)));
    }
    return new RuleStats(stats.get(0), stats.get(1), stats.get(2), stats.get(3), stats.get(4));
  }

  void redisError() {
    redisError.add(1);
  }

  /** An invalid request or an internal error: what upstream counts as a service error. */
  public void serviceError() {
    serviceError.add(1);
  }

  void configLoaded() {
    configLoadSuccess.add(1);
  }

  void configRejected() {
    configLoadError.add(1);
  }

  /** Sees every gRPC call's response time. */
  public interface CallTimeWatcher {
    void onCall(String method, long elapsedNanos);
  }

  /** One gRPC call received, by its method's bare name ({@code ShouldRateLimit}), and its response time. */
  public void call(String method, long elapsedNanos) {
    for (CallTimeWatcher watcher : callTimeWatchers) {
      watcher.onCall(method, elapsedNanos);
    }
    callCounter(method).add(1);
  }

  /** Registers the method's call counter at zero. */
  void prepareCall(String method) {
    callCounter(method);
  }

  private UpstreamStat callCounter(String method) {
    UpstreamStat existing = calls.get(method);
    return existing != null ? existing : calls.computeIfAbsent(method, m -> register(new UpstreamStat(
        "ratelimit_server." + m + ".total_requests", "ratelimit_service_total_requests",
        Map.of("grpc_method", m))));
  }

  private UpstreamStat register(UpstreamStat stat) {
    all.add(stat);
    watchers.forEach(watcher -> watcher.accept(stat));
    return stat;
  }

  /** Calls {@code watcher} for every counter there is and every one created later (the statsd sink). */
  public synchronized void watch(Consumer<UpstreamStat> watcher) {
    watchers.add(watcher);
    all.forEach(watcher);
  }

  public void watchCallTimes(CallTimeWatcher watcher) {
    callTimeWatchers.add(watcher);
  }

  /** The counters in the Prometheus text format (0.0.4), as envoyproxy/ratelimit's exporter writes them. */
  public String prometheusText() {
    Map<String, List<UpstreamStat>> families = new TreeMap<>();
    for (UpstreamStat stat : all) {
      families.computeIfAbsent(stat.prometheusName(), name -> new ArrayList<>()).add(stat);
    }
    StringBuilder text = new StringBuilder();
    families.forEach((name, stats) -> {
      text.append("# HELP ").append(name).append(' ').append(HELP.getOrDefault(name, name)).append('\n');
      text.append("# TYPE ").append(name).append(" counter\n");
      stats.sort(Comparator.comparing(UpstreamStats::labelText));
      for (UpstreamStat stat : stats) {
        text.append(name).append(labelText(stat)).append(' ').append(stat.count().sum()).append('\n');
      }
    });
    return text.toString();
  }

  private static String labelText(UpstreamStat stat) {
    if (stat.labels().isEmpty()) {
      return "";
    }
    StringBuilder labels = new StringBuilder("{");
    stat.labels().forEach((key, value) -> {
      if (labels.length() > 1) {
        labels.append(',');
      }
      labels.append(key).append("=\"").append(escape(value)).append('"');
    });
    return labels.append('}').toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
