package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.rls.DescriptorSpec;
import io.egressratelimit.loadgen.rls.RlsCaller;
import io.egressratelimit.loadgen.rls.RlsClient;
import io.egressratelimit.loadgen.rls.RlsTarget;
import io.egressratelimit.loadgen.traffic.ApiKey;
import io.egressratelimit.loadgen.traffic.Caller;
import io.egressratelimit.loadgen.units.Durations;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Envoy's ratelimit filter, played by the load generator where no Envoy runs. */
@Command(
    name = "rls",
    sortOptions = false,
    description =
        "Play Envoy's ratelimit filter where no Envoy runs: for each request call ShouldRateLimit on"
            + " the rate limit service (round-robin over the --rls replicas) under Envoy's 20ms"
            + " deadline, and call the upstream only on OK.")
final class RlsCommand extends LoadCommand {
  @Option(names = "--rls", order = 1, required = true, paramLabel = "HOST:PORT",
      description = "A rate limit service replica (gRPC); repeat for several, e.g. --rls 127.0.0.1:8081 --rls 127.0.0.1:8083.")
  List<RlsTarget> targets;

  @Option(names = "--upstream", order = 2, paramLabel = "URL",
      description = "Where admitted calls go, e.g. http://127.0.0.1:8090. When it is the stub, its /stats give the verdict. Without it an OK counts as admitted.")
  URI upstream;

  @Option(names = "--domain", order = 3, defaultValue = "geocode", paramLabel = "NAME",
      description = "Rate limit domain (default: ${DEFAULT-VALUE}).")
  String domain;

  @Option(names = "--descriptor", order = 4, paramLabel = "KEY=VALUE[,KEY=VALUE...]",
      description = "One descriptor, its entries separated by commas; repeat for several (default: generic_key=geocode).")
  List<RateLimitDescriptor> descriptors;

  @Option(names = "--rls-timeout", order = 5, defaultValue = "20ms", paramLabel = "DURATION",
      description = "Deadline of each ShouldRateLimit call, Envoy's default (default: ${DEFAULT-VALUE}).")
  Duration rlsTimeout;

  @Option(names = "--failure-mode-deny", order = 6,
      description = "Deny the request when the service call fails or misses its deadline (Envoy's failure_mode_deny). Without it such a request is let through, Envoy's default.")
  boolean failureModeDeny;

  @Option(names = "--rls-warmup", order = 8, defaultValue = "2s", paramLabel = "DURATION",
      description = "Before the counted run, call the service this long in its reserved warm-up domain, which spends no budget, so this client's own cold start does not eat its first calls' deadline; 0s skips it (default: ${DEFAULT-VALUE}).")
  Duration rlsWarmup;

  @Option(names = "--rls-ca", order = 7, paramLabel = "PATH",
      description = "Use TLS to the service, trusting this CA bundle (PEM). Default: plaintext.")
  Path rlsCa;

  @Override
  Optional<URI> upstream() {
    return Optional.ofNullable(upstream);
  }

  @Override
  String modeProblems() {
    if (domain.isBlank()) {
      return "--domain must not be empty";
    }
    if (rlsTimeout.isZero()) {
      return "--rls-timeout must be longer than 0s";
    }
    return "";
  }

  @Override
  Map<String, String> modeSettings() {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("rls replicas", Integer.toString(targets.size()));
    rows.put("domain", domain);
    rows.put("descriptors", descriptors().stream().map(RlsCommand::describe).collect(Collectors.joining(" ")));
    rows.put("rls timeout", Durations.format(rlsTimeout));
    rows.put("failure mode", failureModeDeny ? "deny" : "allow");
    return rows;
  }

  @Override
  Caller openCaller(HttpClient http, Optional<ApiKey> apiKey) throws IOException, InterruptedException {
    RlsClient rls;
    try {
      rls = RlsClient.open(targets, Optional.ofNullable(rlsCa), domain, descriptors(), rlsTimeout);
    } catch (IOException e) {
      throw new UserError("--rls-ca " + rlsCa + ": cannot be read as a PEM CA bundle");
    }
    List<RlsTarget> notReady = rls.awaitReady(CONNECT_TIMEOUT);
    if (!notReady.isEmpty()) {
      rls.close();
      throw notReachable(notReady);
    }
    if (!rlsWarmup.isZero()) {
      rls.warmUp(traffic.workers, rlsWarmup);
    }
    Optional<Caller> upstreamCaller = upstreamCaller(http, apiKey);
    return new RlsCaller(rls, upstreamCaller, failureModeDeny);
  }

  private List<RateLimitDescriptor> descriptors() {
    if (descriptors == null || descriptors.isEmpty()) {
      return List.of(DescriptorSpec.parse("generic_key=geocode"));
    }
    return descriptors;
  }

  private static String describe(RateLimitDescriptor d) {
    return "[" + d.getEntriesList().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")) + "]";
  }
}
