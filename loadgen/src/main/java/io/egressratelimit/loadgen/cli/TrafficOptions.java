package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.traffic.CoordinatePlan;
import io.egressratelimit.loadgen.traffic.LatLng;
import io.egressratelimit.loadgen.traffic.WorkerPool;
import io.egressratelimit.loadgen.units.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/** How the simulated replicas behave and how long they run; shared by {@code http} and {@code rls}. */
final class TrafficOptions {
  private static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);

  @Option(names = "--workers", order = 10, defaultValue = "6", paramLabel = "N",
      description = "Concurrent workers, each simulating one replica of the calling workload (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--interval", order = 11, defaultValue = "1s", paramLabel = "DURATION",
      description = "Base pause after an admitted call, jittered to 0.5-1.5 times itself; also the first backoff step. 0s disables pacing and backoff (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(names = "--start-jitter", order = 12, defaultValue = "4s", paramLabel = "DURATION",
      description = "Each worker starts after a random delay up to this (default: ${DEFAULT-VALUE}).")
  Duration startJitter;

  @Option(names = "--max-backoff", order = 13, defaultValue = "10s", paramLabel = "DURATION",
      description = "Cap of the exponential backoff (full jitter) after 429s and errors. A Retry-After, X-RateLimit-Reset or duration_until_reset hint is honoured instead, plus up to one interval of jitter (default: ${DEFAULT-VALUE}).")
  Duration maxBackoff;

  @Option(names = "--static-every", order = 14, defaultValue = "6", paramLabel = "N",
      description = "Every Nth call of a worker asks for --static-latlng instead of a random point; 0 for never (default: ${DEFAULT-VALUE}).")
  int staticEvery;

  @Option(names = "--static-latlng", order = 15, defaultValue = "37.789980,-122.400860", paramLabel = "LAT,LNG",
      description = "The repeated coordinate (default: ${DEFAULT-VALUE}).")
  LatLng staticLatLng;

  @Option(names = "--duration", order = 16, paramLabel = "DURATION",
      description = "Run this long (default: 60s, or until --requests are sent when that is given).")
  Duration duration;

  @Option(names = "--requests", order = 17, paramLabel = "N",
      description = "Stop after N calls across all workers (and still at --duration, when given).")
  Long requests;

  @Option(names = "--api-key-file", order = 18, paramLabel = "PATH",
      description = "File holding the Geocoding API key (e.g. a mounted Secret). Default: the GEOCODE_API_KEY environment variable. The key is never printed.")
  Path apiKeyFile;

  @Option(names = "--timeout", order = 19, defaultValue = "5s", paramLabel = "DURATION",
      description = "Connect and response timeout of each HTTP call (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--seed", order = 20, paramLabel = "N",
      description = "Seed of the random coordinates, jitter and backoff draws, to repeat a run exactly (default: random).")
  Long seed;

  /** Problems a person can fix, as messages; empty when the options make sense. */
  String problems() {
    if (workers < 1) {
      return "--workers must be at least 1";
    }
    if (staticEvery < 0) {
      return "--static-every must be 0 (never) or more";
    }
    if (requests != null && requests < 1) {
      return "--requests must be at least 1";
    }
    if (duration != null && duration.isZero()) {
      return "--duration must be longer than 0s";
    }
    if (timeout.isZero()) {
      return "--timeout must be longer than 0s";
    }
    return "";
  }

  /** With only --requests the run has no deadline of its own; a day stands in for "unbounded". */
  Duration effectiveDuration() {
    if (duration != null) {
      return duration;
    }
    return requests != null ? Duration.ofDays(1) : DEFAULT_DURATION;
  }

  OptionalLong requestLimit() {
    return requests == null ? OptionalLong.empty() : OptionalLong.of(requests);
  }

  WorkerPool.Settings settings() {
    long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
    return new WorkerPool.Settings(
        workers, interval, startJitter, maxBackoff, new CoordinatePlan(staticEvery, staticLatLng), s);
  }

  Map<String, String> describe() {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("workers", Integer.toString(workers));
    rows.put("interval", Durations.format(interval));
    rows.put("start jitter", Durations.format(startJitter));
    rows.put("max backoff", Durations.format(maxBackoff));
    StringBuilder bound = new StringBuilder();
    if (requests != null) {
      bound.append(requests).append(" requests");
    }
    if (duration != null || requests == null) {
      bound.append(bound.length() > 0 ? " or " : "").append(Durations.format(effectiveDuration()));
    }
    rows.put("bound", bound.toString());
    return rows;
  }
}
