package io.egressratelimit.envoyconfig;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.RuleMatch;
import io.egressratelimit.testing.rlqs.QuotaFilter;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaBucketSettings;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaFilterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an exact egress budget needs of a rate_limit_quota config, beyond Envoy's own rules:
 * <ul>
 *   <li>every route of a listener with the filter that leaves for an upstream falls into a bucket (a call no matcher takes
 *       passes unlimited), checked for routes and matchers on path prefixes;
 *   <li>every bucket's id is a descriptor whose rule in the limits config says {@code rlqs: true}
 *       (the service abandons any other bucket, which then runs on its no-assignment behaviour);
 *   <li>deny before the first assignment and after one expires (Envoy's default is allow);
 *   <li>a reporting interval of 5s: what Envoy 1.40 does whatever the field says, and what the
 *       service's assignment TTL is chosen for.
 * </ul>
 */
final class QuotaBucketRules {
  private static final RateLimitStrategy DENY_ALL =
      RateLimitStrategy.newBuilder().setBlanketRule(RateLimitStrategy.BlanketRule.DENY_ALL).build();

  private QuotaBucketRules() {}

  static void check(LoadedBootstrap loaded, RateLimitConfig limits, String limitsLabel) throws EnvoyConfigException {
    List<QuotaBuckets.Bucket> buckets = QuotaBuckets.of(loaded);
    List<String> problems = new ArrayList<>();
    for (QuotaBuckets.Bucket bucket : buckets) {
      behaviour(bucket, problems);
      if (!bucket.staticId()) {
        problems.add(bucket.where() + ": a bucket_id_builder with a custom_value is not supported by these checks");
      } else {
        Optional<RuleMatch> match = limits.match(bucket.domain(), bucket.descriptor());
        if (match.isEmpty()) {
          problems.add(bucket.where() + " builds BucketId " + bucket.descriptor() + " in domain '" + bucket.domain()
              + "', which no rule in " + limitsLabel + " matches");
        } else if (!match.get().rule().rlqs()) {
          problems.add(bucket.where() + " builds BucketId " + bucket.descriptor() + ", whose rule "
              + match.get().rule().fullKey() + " in " + limitsLabel + " does not say rlqs: true;"
              + " the service abandons such a bucket and the filter denies every call");
        }
      }
    }
    if (!buckets.isEmpty()) {
      uncoveredRoutes(loaded, buckets, problems);
    }
    if (!problems.isEmpty()) {
      throw new EnvoyConfigException(String.join("\n", problems));
    }
  }

  /** Envoy 1.40's hard-coded report interval (QuotaFilter.REPORT_EVERY, measured by RateLimitQuotaModelIT). */
  static final long ENVOY_REPORTS_EVERY_SECONDS = QuotaFilter.REPORT_EVERY.toSeconds();

  private static void behaviour(QuotaBuckets.Bucket bucket, List<String> problems) {
    RateLimitQuotaBucketSettings settings = bucket.settings();
    if (!settings.getNoAssignmentBehavior().getFallbackRateLimit().equals(DENY_ALL)) {
      problems.add(bucket.where() + ": no_assignment_behavior must be fallback_rate_limit {blanket_rule: DENY_ALL};"
          + " anything else admits calls no assignment counted");
    }
    if (settings.hasExpiredAssignmentBehavior()
        && !settings.getExpiredAssignmentBehavior().getFallbackRateLimit().equals(DENY_ALL)) {
      problems.add(bucket.where() + ": expired_assignment_behavior must be fallback_rate_limit {blanket_rule: DENY_ALL}"
          + " (or unset); anything else spends a share the service may have handed on");
    }
    com.google.protobuf.Duration interval = settings.getReportingInterval();
    if (interval.getNanos() != 0 || interval.getSeconds() != ENVOY_REPORTS_EVERY_SECONDS) {
      problems.add(bucket.where() + ": reporting_interval must be " + ENVOY_REPORTS_EVERY_SECONDS + "s, the interval"
          + " Envoy 1.40 reports at whatever this says (envoyproxy/envoy#46033); the service's assignment TTL is"
          + " chosen for it");
    }
  }

  private static boolean limitsByQuota(HttpConnectionManager manager) {
    return manager.getHttpFiltersList().stream().anyMatch(f -> f.getTypedConfig().is(RateLimitQuotaFilterConfig.class));
  }

  private static void uncoveredRoutes(LoadedBootstrap loaded, List<QuotaBuckets.Bucket> buckets, List<String> problems) {
    MessageTree.walk(loaded.bootstrap(), (path, message, unpackedFromAny) -> {
      if (!(message instanceof HttpConnectionManager manager) || !limitsByQuota(manager)) {
        return;
      }
      for (VirtualHost host : manager.getRouteConfig().getVirtualHostsList()) {
        for (Route route : host.getRoutesList()) {
          if (!route.hasRoute()) {
            continue; // a direct response or redirect never reaches an upstream
          }
          String prefix = route.getMatch().getPrefix();
          boolean covered = !prefix.isEmpty() && buckets.stream()
              .anyMatch(b -> b.pathPrefix().isPresent() && prefix.startsWith(b.pathPrefix().get()));
          if (!covered) {
            problems.add(loaded.fileName() + ": " + path + ".route_config.virtual_hosts[" + host.getName() + "].routes["
                + route.getName() + "] goes to cluster '" + route.getRoute().getCluster()
                + "' but no bucket matcher takes its path prefix '" + prefix + "': its calls would pass unlimited");
          }
        }
      }
    });
  }
}
