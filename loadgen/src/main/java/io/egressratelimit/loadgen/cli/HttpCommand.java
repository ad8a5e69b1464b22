package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.traffic.ApiKey;
import io.egressratelimit.loadgen.traffic.Caller;
import io.egressratelimit.loadgen.traffic.HttpCaller;
import io.egressratelimit.loadgen.traffic.SpreadCaller;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Geocoding API traffic at a target, normally Envoy, which asks the rate limit service. */
@Command(
    name = "http",
    sortOptions = false,
    description =
        "Send Geocoding API requests (GET /maps/api/geocode/json?latlng=..&key=..) to a target,"
            + " normally Envoy, from workers that back off on 429 like well-behaved replicas.")
final class HttpCommand extends LoadCommand {
  @Option(names = "--target", order = 1, required = true, paramLabel = "URL",
      description = "Where the requests go, e.g. http://127.0.0.1:10000 (Envoy's listener); repeat for several"
          + " Envoy replicas, which then take the calls in turn and are counted apart.")
  List<URI> targets;

  private SpreadCaller spread;

  @Option(names = "--upstream", order = 2, paramLabel = "URL",
      description = "The stub upstream behind the target, e.g. http://127.0.0.1:8090: its /stats give the verdict. Without it the verdict counts this client's 2xx answers.")
  URI upstream;

  @Option(names = "--path", order = 3, defaultValue = HttpCaller.GEOCODE_PATH, paramLabel = "PATH",
      description = "The API path to call, e.g. /v1/chat/completions for the usage-priced example route"
          + " (envoy-llm-local.yaml, with `loadgen upstream --usage`) (default: ${DEFAULT-VALUE}).")
  String path;

  @Override
  Optional<URI> upstream() {
    return Optional.ofNullable(upstream);
  }

  @Override
  Map<String, String> modeSettings() {
    return targets.size() > 1 ? Map.of("targets", Integer.toString(targets.size())) : Map.of();
  }

  @Override
  Caller openCaller(HttpClient http, Optional<ApiKey> apiKey) {
    if (!path.startsWith("/")) {
      throw new UserError("--path must start with /, got '" + path + "'");
    }
    if (targets.size() == 1) {
      return new HttpCaller(http, targets.get(0), apiKey, traffic.timeout, Clock.systemUTC(), path);
    }
    List<Caller> callers = new ArrayList<>();
    for (URI target : targets) {
      callers.add(new HttpCaller(http, target, apiKey, traffic.timeout, Clock.systemUTC(), path));
    }
    spread = new SpreadCaller(targets.stream().map(URI::toString).toList(), callers);
    return spread;
  }

  @Override
  List<String> modeFindings() {
    if (spread == null) {
      return List.of();
    }
    List<String> lines = new ArrayList<>(List.of("per target:"));
    lines.addAll(spread.findings());
    return lines;
  }
}
