package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.rlqs.BucketIdSpec;
import io.egressratelimit.loadgen.rlqs.DemandPlan;
import io.egressratelimit.loadgen.rlqs.EnvoyFleet;
import io.egressratelimit.loadgen.rls.RlsTarget;
import io.egressratelimit.loadgen.traffic.ApiKey;
import io.egressratelimit.loadgen.traffic.Caller;
import io.egressratelimit.loadgen.units.Durations;
import io.egressratelimit.testing.rlqs.BucketBehaviour;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy.BlanketRule;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Envoy's rate_limit_quota filter on N Envoys, played by the load generator where no Envoy runs. */
@Command(
    name = "rlqs",
    sortOptions = false,
    description =
        "Play N Envoys with the rate_limit_quota filter where no Envoy runs: each holds a"
            + " StreamRateLimitQuotas stream to one --rlqs replica, reports its bucket's usage every"
            + " --report-every, decides each request locally on its assignment (or on the"
            + " no-assignment and expired-assignment behaviours) as Envoy 1.40 does, and calls the"
            + " upstream only when allowed.")
final class RlqsCommand extends LoadCommand {
  /** The blanket rules, and none: what the two behaviours can be set to here. */
  enum Fallback {
    DENY_ALL,
    ALLOW_ALL,
    NONE
  }

  @Option(names = "--rlqs", order = 1, required = true, paramLabel = "HOST:PORT",
      description = "A rate limit service replica serving StreamRateLimitQuotas; repeat for several. Envoy i streams to replica i mod the count.")
  List<RlsTarget> targets;

  @Option(names = "--envoys", order = 2, defaultValue = "3", paramLabel = "N",
      description = "How many Envoys to simulate (default: ${DEFAULT-VALUE}).")
  int envoys;

  @Option(names = "--upstream", order = 3, paramLabel = "URL",
      description = "Where admitted calls go, e.g. http://127.0.0.1:8090. When it is the stub, its /stats give the verdict. Without it an allowed request counts as admitted.")
  URI upstream;

  @Option(names = "--domain", order = 4, defaultValue = "geocode", paramLabel = "NAME",
      description = "The filter's domain (default: ${DEFAULT-VALUE}).")
  String domain;

  @Option(names = "--bucket", order = 5, defaultValue = "generic_key=geocode", paramLabel = "KEY=VALUE[,KEY=VALUE...]",
      description = "The BucketId every request is classified into, as the bucket matcher of envoy-config/envoy-rlqs.yaml builds it (default: ${DEFAULT-VALUE}).")
  BucketId bucket;

  @Option(names = "--report-every", order = 6, defaultValue = "5s", paramLabel = "DURATION",
      description = "How often each Envoy reports: Envoy 1.40 reports every 5s whatever a bucket's reporting_interval"
          + " says (envoyproxy/envoy#46033); another value plays an Envoy that honours it (default: ${DEFAULT-VALUE}).")
  Duration reportEvery;

  @Option(names = "--no-assignment", order = 7, defaultValue = "deny-all", paramLabel = "deny-all|allow-all",
      converter = FallbackConverter.class,
      description = "no_assignment_behavior: the blanket rule before the first assignment (default: ${DEFAULT-VALUE}).")
  Fallback noAssignment;

  @Option(names = "--expired-assignment", order = 8, defaultValue = "deny-all", paramLabel = "deny-all|allow-all|none",
      converter = FallbackConverter.class,
      description = "expired_assignment_behavior's fallback_rate_limit once an assignment's time to live is over; none falls back to --no-assignment at once (default: ${DEFAULT-VALUE}).")
  Fallback expiredAssignment;

  @Option(names = "--expired-assignment-timeout", order = 9, defaultValue = "0s", paramLabel = "DURATION",
      description = "expired_assignment_behavior_timeout, in whole seconds as Envoy reads it; then --no-assignment rules (default: ${DEFAULT-VALUE}).")
  Duration expiredAssignmentTimeout;

  @Option(names = "--move-demand-at", order = 10, paramLabel = "DURATION",
      description = "Send all requests through envoy 1 until this far into the run, then all through the last Envoy, and report how long the server took to move the share. Default: round-robin over all Envoys.")
  Duration moveDemandAt;

  @Option(names = "--rlqs-ca", order = 11, paramLabel = "PATH",
      description = "Use TLS to the service, trusting this CA bundle (PEM). Default: plaintext.")
  Path rlqsCa;

  private EnvoyFleet fleet;

  @Override
  Optional<URI> upstream() {
    return Optional.ofNullable(upstream);
  }

  @Override
  String modeProblems() {
    if (envoys < 1) {
      return "--envoys must be at least 1";
    }
    if (moveDemandAt != null && envoys < 2) {
      return "--move-demand-at needs --envoys 2 or more";
    }
    if (domain.isBlank()) {
      return "--domain must not be empty";
    }
    if (reportEvery.toMillis() <= 1) {
      return "--report-every must be longer than 1ms (reporting_interval's own rule)";
    }
    if (noAssignment == Fallback.NONE) {
      return "--no-assignment must be deny-all or allow-all";
    }
    return "";
  }

  @Override
  Map<String, String> modeSettings() {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("envoys", Integer.toString(envoys));
    rows.put("rlqs replicas", Integer.toString(targets.size()));
    rows.put("domain", domain);
    rows.put("bucket", BucketIdSpec.format(bucket));
    rows.put("reports every", Durations.format(reportEvery));
    rows.put("no assignment", text(noAssignment));
    rows.put("expired assignment", text(expiredAssignment)
        + (expiredAssignment == Fallback.NONE ? "" : " for " + Durations.format(expiredAssignmentTimeout)));
    rows.put("demand", moveDemandAt == null ? "round-robin" : "envoy 1, then envoy " + envoys + " from " + Durations.format(moveDemandAt));
    return rows;
  }

  @Override
  Caller openCaller(HttpClient http, Optional<ApiKey> apiKey) throws IOException, InterruptedException {
    Optional<Caller> upstreamCaller = upstreamCaller(http, apiKey);
    EnvoyFleet.Settings settings = new EnvoyFleet.Settings(
        targets, Optional.ofNullable(rlqsCa), domain, bucket, behaviour(), reportEvery,
        new DemandPlan(envoys, Optional.ofNullable(moveDemandAt)));
    try {
      fleet = EnvoyFleet.open(settings, upstreamCaller);
    } catch (IOException e) {
      throw new UserError("--rlqs-ca " + rlqsCa + ": cannot be read as a PEM CA bundle");
    }
    List<RlsTarget> notReady = fleet.awaitReady(CONNECT_TIMEOUT);
    if (!notReady.isEmpty()) {
      fleet.close();
      throw notReachable(notReady);
    }
    return fleet;
  }

  @Override
  List<String> modeFindings() {
    return fleet == null ? List.of() : fleet.findings();
  }

  private BucketBehaviour behaviour() {
    Optional<RateLimitStrategy> expired = expiredAssignment == Fallback.NONE
        ? Optional.empty()
        : Optional.of(RateLimitStrategy.newBuilder().setBlanketRule(rule(expiredAssignment)).build());
    return new BucketBehaviour(rule(noAssignment), expired, expiredAssignmentTimeout);
  }

  private static BlanketRule rule(Fallback fallback) {
    return fallback == Fallback.ALLOW_ALL ? BlanketRule.ALLOW_ALL : BlanketRule.DENY_ALL;
  }

  private static String text(Fallback fallback) {
    return fallback.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static final class FallbackConverter implements picocli.CommandLine.ITypeConverter<Fallback> {
    @Override
    public Fallback convert(String value) {
      for (Fallback f : Fallback.values()) {
        if (text(f).equals(value.trim().toLowerCase(Locale.ROOT))) {
          return f;
        }
      }
      throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not one of deny-all, allow-all, none");
    }
  }
}
