package io.egressratelimit.metrics;

import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.domain.RequestDescriptor;
import io.egressratelimit.domain.Rule;
import io.egressratelimit.limiter.DecisionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts every decision per rule, and times it. Rules are labelled by their metric key, which
 * carries descriptor values only for {@code detailed_metric} and {@code value_to_metric} rules, and
 * of those keys only the first {@link #DEFAULT_VALUE_KEYS} (by default) count apart ({@link MetricKeys}):
 * the number of series stays bounded however many values arrive. Limits Envoy sends without a
 * matching rule share one key per domain here, and one per descriptor shape in upstream's stats.
 */
public final class DecisionMetrics implements DecisionListener {
  static final String REQUEST_LIMIT_KEY = "_request_limit";
  /** Metric keys with descriptor values counted apart unless told otherwise. */
  public static final int DEFAULT_VALUE_KEYS = 1000;

  private final MeterRegistry registry;
  private final double nearLimitRatio;
  private final Timer decisionTime;
  private final Counter ok;
  private final Counter overLimit;
  private final Counter storeFailures;
  private final Counter unmatched;
  private final Map<String, RuleMeters> rules = new ConcurrentHashMap<>();
  private final UpstreamStats upstream;
  private final MetricKeys valueKeys;
  private final Counter folded;

  public DecisionMetrics(MeterRegistry registry, double nearLimitRatio) {
    this(registry, nearLimitRatio, new UpstreamStats(), DEFAULT_VALUE_KEYS);
  }

  /**
   * @param upstream where the same hits are counted under envoyproxy/ratelimit's names too
   * @param valueKeys metric keys with descriptor values counted apart at most
   */
  public DecisionMetrics(MeterRegistry registry, double nearLimitRatio, UpstreamStats upstream, int valueKeys) {
    this.upstream = upstream;
    this.valueKeys = new MetricKeys(valueKeys);
    this.folded = Meters.counter(registry, "ratelimit.metric.keys.folded", "Descriptors counted under their rule's"
        + " key without values, because METRIC_VALUE_KEYS keys with values are counted apart already", Tags.empty());
    this.registry = registry;
    this.nearLimitRatio = nearLimitRatio;
    this.decisionTime = Timer.builder("ratelimit.decision")
        .description("Time to decide a request, from arrival in the engine to the answer, store round trip included")
        .serviceLevelObjectives(LatencyBuckets.ALL)
        .register(registry);
    this.ok = requests(registry, "ok");
    this.overLimit = requests(registry, "over_limit");
    this.storeFailures = Meters.counter(registry, "ratelimit.store.failures",
        "Requests the bucket store could not answer; the failure policy decided them", Tags.empty());
    // No domain label: the domain comes from the caller, and a label must not grow with what callers send.
    this.unmatched = Meters.counter(registry, "ratelimit.descriptors.unmatched",
        "Descriptors that matched no rule and were admitted without a limit; more than zero usually means a"
            + " route's rate_limits and the limits file disagree", Tags.empty());
  }

  private static Counter requests(MeterRegistry registry, String code) {
    return Meters.counter(registry, "ratelimit.requests", "Requests decided, by overall code", Tags.of("code", code));
  }

  @Override
  public void onDecision(LimitRequest request, Decision decision, long elapsedNanos) {
    decisionTime.record(elapsedNanos, TimeUnit.NANOSECONDS);
    (decision.overallCode() == Code.OK ? ok : overLimit).increment();
    for (int i = 0; i < decision.statuses().size(); i++) {
      DescriptorStatus status = decision.statuses().get(i);
      if (status.rule().isEmpty() && status.currentLimit().isEmpty()) {
        unmatched.increment();
        continue; // no rule and no limit: nothing to count against
      }
      RequestDescriptor descriptor = request.descriptors().get(i);
      long hits = descriptor.hitsAddend().orElse(request.effectiveHits());
      HitCounts counts = HitCounts.of(status, hits, nearLimitRatio);
      String meterKey = meterKey(status);
      String statKey = UpstreamStatKey.of(request.domain(), descriptor, status);
      String boundedStatKey = valueKeys.bounded(statKey, UpstreamStatKey.withoutValues(request.domain(), descriptor,
          status));
      if (!meterKey.equals(status.metricKey()) && status.rule().isPresent() || !boundedStatKey.equals(statKey)) {
        folded.increment();
      }
      metersFor(request.domain(), status, meterKey).add(counts);
      upstream.rule(boundedStatKey).add(counts);
    }
  }

  /**
   * Registers the meters of the configured rules a warm-up rehearsal matched, at zero, so a
   * caller's first call finds them made (and a dashboard sees each rule before its first hit, as
   * Prometheus advises). A rule whose metric key carries request values is left alone: the
   * rehearsal's values are its own making.
   */
  @Override
  public void onRehearsal(LimitRequest request, Decision decision) {
    for (int i = 0; i < decision.statuses().size(); i++) {
      DescriptorStatus status = decision.statuses().get(i);
      RequestDescriptor descriptor = request.descriptors().get(i);
      if (status.rule().isPresent() && descriptor.limitOverride().isEmpty()
          && status.metricKey().equals(status.rule().get().fullKey())) {
        metersFor(request.domain(), status, status.metricKey());
        upstream.rule(UpstreamStatKey.of(request.domain(), descriptor, status));
      }
    }
  }

  @Override
  public void onStoreFailure(LimitRequest request, Throwable cause) {
    storeFailures.increment();
    upstream.redisError();
  }

  /** The rule's metric key, within the bound on keys with values; one key per domain for limits without a rule. */
  private String meterKey(DescriptorStatus status) {
    return status.rule().isPresent()
        ? valueKeys.bounded(status.metricKey(), status.rule().get().fullKey()) : REQUEST_LIMIT_KEY;
  }

  private RuleMeters metersFor(String requestDomain, DescriptorStatus status, String key) {
    String domain = status.rule().map(Rule::domain).orElse(requestDomain);
    return rules.computeIfAbsent(domain + '\n' + key, k -> new RuleMeters(registry, domain, key));
  }
}
