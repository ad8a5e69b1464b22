package io.egressratelimit.testing.rlqs;

import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The bucket cache of one Envoy's rate_limit_quota filter, with no I/O and time passed in: decides
 * requests locally, builds the usage reports, and applies the server's answers as Envoy 1.40 does.
 * Where reading Envoy's source and running it disagreed, this follows what the running Envoy did;
 * {@code RateLimitQuotaModelIT} (envoy-config) runs one scenario on this model and on a real Envoy
 * and compares what each admitted.
 */
public final class QuotaFilter {
  /**
   * How often Envoy 1.40 sends the usage of every bucket: a fixed 5 s, whatever the buckets'
   * {@code reporting_interval} says (envoyproxy/envoy#46033).
   */
  public static final java.time.Duration REPORT_EVERY = java.time.Duration.ofSeconds(5);

  /**
   * One request's decision.
   *
   * @param firstReport set when the request created its bucket: Envoy reports a new bucket at once,
   *     alone, to subscribe to its assignments
   */
  public record Admission(boolean allowed, Optional<RateLimitQuotaUsageReports> firstReport) {}

  /** An assignment the filter took on, for whoever watches the shares move. */
  public record Applied(BucketId bucket, BucketAction.QuotaAssignmentAction action, long atNanos) {}

  private final String domain;
  private final Function<BucketId, BucketBehaviour> behaviours;
  private final Map<BucketId, QuotaBucket> buckets = new LinkedHashMap<>();

  /** Every bucket with the same settings, as when one bucket matcher takes every request. */
  public QuotaFilter(String domain, BucketBehaviour behaviour) {
    this(domain, bucket -> behaviour);
    Objects.requireNonNull(behaviour, "behaviour");
  }

  /** @param behaviours the settings of the matcher that builds each bucket */
  public QuotaFilter(String domain, Function<BucketId, BucketBehaviour> behaviours) {
    this.domain = Objects.requireNonNull(domain, "domain");
    this.behaviours = Objects.requireNonNull(behaviours, "behaviours");
  }

  public synchronized Admission admit(BucketId bucketId, long nowNanos) {
    QuotaBucket bucket = buckets.get(bucketId);
    if (bucket != null) {
      return new Admission(bucket.admit(nowNanos), Optional.empty());
    }
    QuotaBucket created = new QuotaBucket(bucketId, behaviours.apply(bucketId), nowNanos);
    buckets.put(bucketId, created);
    boolean allowed = created.admit(nowNanos);
    return new Admission(allowed, Optional.of(reports(List.of(created), nowNanos)));
  }

  /** The periodic report of every bucket; empty when the filter holds none. */
  public synchronized Optional<RateLimitQuotaUsageReports> reportAll(long nowNanos) {
    if (buckets.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(reports(buckets.values(), nowNanos));
  }

  /**
   * Applies one response. Actions for buckets this filter does not hold are ignored, as Envoy logs
   * and skips them; an abandon action forgets the bucket, so its next request starts it over.
   */
  public synchronized List<Applied> onResponse(RateLimitQuotaResponse response, long nowNanos) {
    List<Applied> applied = new ArrayList<>();
    for (BucketAction action : response.getBucketActionList()) {
      QuotaBucket bucket = buckets.get(action.getBucketId());
      if (bucket == null) {
        continue;
      }
      if (action.hasAbandonAction()) {
        buckets.remove(action.getBucketId());
      } else if (action.hasQuotaAssignmentAction() && bucket.assign(action.getQuotaAssignmentAction(), nowNanos)) {
        applied.add(new Applied(action.getBucketId(), action.getQuotaAssignmentAction(), nowNanos));
      }
    }
    return applied;
  }

  /** The bucket's state now, or empty when the filter does not hold it. */
  public synchronized Optional<BucketPhase> phase(BucketId bucketId, long nowNanos) {
    return Optional.ofNullable(buckets.get(bucketId)).map(b -> b.phase(nowNanos));
  }

  private RateLimitQuotaUsageReports reports(Iterable<QuotaBucket> of, long nowNanos) {
    RateLimitQuotaUsageReports.Builder reports = RateLimitQuotaUsageReports.newBuilder().setDomain(domain);
    for (QuotaBucket bucket : of) {
      reports.addBucketQuotaUsages(bucket.report(nowNanos));
    }
    return reports.build();
  }
}
