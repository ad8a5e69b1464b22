package io.egressratelimit.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * envoyproxy/ratelimit's variables that this service accepts without acting on them, or refuses.
 * An upstream Deployment sets many of them; none may be dropped silently. A variable that means the
 * same as here passes quietly; one that has no effect here is noted in one start-up line saying
 * why; one whose value would change decisions in a way this service cannot honour stops start-up.
 *
 * <p>The variables this service acts on are read by {@link UpstreamEnvironment} or are flags of
 * {@link ServeCommand}; a flag's variable always wins over an entry here, so an entry retires by
 * itself once the setting is implemented.
 */
public final class UpstreamVariables {

  /** What one value of a variable means here. */
  record Verdict(Kind kind, String text) {
    enum Kind { SAME, NOTE, REFUSE }

    static Verdict same() {
      return new Verdict(Kind.SAME, "");
    }

    static Verdict note(String reason) {
      return new Verdict(Kind.NOTE, reason);
    }

    static Verdict refuse(String reason) {
      return new Verdict(Kind.REFUSE, reason);
    }
  }

  private static final String NO_POOL = "one multiplexed Lettuce connection per Redis node carries every call; "
      + "REDIS_MAX_IN_FLIGHT bounds the script calls on the wire";
  private static final String NO_PIPELINE_WINDOW = "requests are coalesced into one script call per round trip "
      + "without waiting for a window (REDIS_MAX_IN_FLIGHT)";
  private static final String PER_SECOND = "a request whose descriptors have per-second and longer limits would "
      + "be decided on two Redis servers, and all or nothing (a denied request consumes from none of its "
      + "descriptors) cannot be atomic across two; keep every limit on one Redis (a Cluster spreads the load)";
  private static final String NO_DEBUG_PORT = "there is no separate debug port: /rlconfig, /json and /metrics "
      + "are on PORT, bound to ADMIN_HOST (default HOST)";
  private static final String NO_MEMCACHE = "memcache is not a backend here (BACKEND_TYPE)";

  private static final Map<String, Function<String, Verdict>> VARIABLES = new LinkedHashMap<>();

  static {
    // Config location (CONFIG_TYPE and the xDS variables are flags of XdsOptions)
    byValue("RUNTIME_IGNOREDOTFILES", value -> BooleanValue.isTrue(value) ? Verdict.same()
        : Verdict.note("dot files are always skipped here: in a ConfigMap mount they are its ..data internals, "
            + "and reading them would load every file twice"));
    byValue("RUNTIME_WATCH_ROOT", value -> Verdict.same()); // either way the directory is watched and polled

    // Listening
    inert("DEBUG_HOST", NO_DEBUG_PORT);
    inert("DEBUG_PORT", NO_DEBUG_PORT);

    // Backend
    byValue("BACKEND_TYPE", value -> switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "", "redis" -> Verdict.same();
      case "memcache" -> Verdict.refuse("memcache is not supported: its increments cannot deny a request "
          + "atomically across descriptors (all or nothing) nor keep one exact token bucket; use Redis");
      default -> Verdict.refuse("must be redis (memcache is not supported)");
    });
    for (String name : List.of("MEMCACHE_HOST_PORT", "MEMCACHE_MAX_IDLE_CONNS", "MEMCACHE_SRV",
        "MEMCACHE_SRV_REFRESH", "MEMCACHE_TLS", "MEMCACHE_TLS_CLIENT_CERT", "MEMCACHE_TLS_CLIENT_KEY",
        "MEMCACHE_TLS_CACERT", "MEMCACHE_TLS_SKIP_HOSTNAME_VERIFICATION")) {
      inert(name, NO_MEMCACHE);
    }
    inert("EXPIRATION_JITTER_MAX_SECONDS", "a bucket's key expires when the bucket is full again, so keys do not "
        + "expire together and need no jitter");
    byValue("STOP_CACHE_KEY_INCREMENT_WHEN_OVERLIMIT", value -> BooleanValue.isTrue(value) ? Verdict.same()
        : Verdict.note("a denied request never consumes from any of its descriptors here (all or nothing)"));

    // Redis
    inert("REDIS_POOL_SIZE", NO_POOL);
    inert("REDIS_POOL_ON_EMPTY_BEHAVIOR", NO_POOL);
    inert("REDIS_POOL_ON_EMPTY_WAIT_DURATION", NO_POOL);
    inert("REDIS_PIPELINE_WINDOW", NO_PIPELINE_WINDOW);
    inert("REDIS_PIPELINE_LIMIT", NO_PIPELINE_WINDOW);
    inert("REDIS_USE_EXPLICIT_PIPELINE", NO_PIPELINE_WINDOW);
    inert("REDIS_TIMEOUT", "each request waits for Redis until its gRPC deadline less DEADLINE_MARGIN "
        + "(18 ms behind Envoy's default 20 ms filter timeout), at most BACKEND_TIMEOUT (default 1s)");
    inert("REDIS_HEALTH_CHECK_ACTIVE_CONNECTION", "readiness already fails while Redis is unreachable and "
        + "FAILURE_POLICY is unavailable (the default)");
    byValue("REDIS_TLS_SKIP_HOSTNAME_VERIFICATION", value -> BooleanValue.isTrue(value)
        ? Verdict.refuse("the Redis certificate must name the host the service connects to; connect by a name "
            + "the certificate holds")
        : Verdict.same());
    byValue("REDIS_SENTINEL_AUTH", value -> value.isEmpty() ? Verdict.same()
        : Verdict.refuse("a separate Sentinel password is not supported; Sentinels are reached without one"));
    byValue("REDIS_PERSECOND", value -> BooleanValue.isTrue(value) ? Verdict.refuse(PER_SECOND) : Verdict.same());
    for (String name : List.of("REDIS_PERSECOND_SOCKET_TYPE", "REDIS_PERSECOND_TYPE", "REDIS_PERSECOND_URL",
        "REDIS_PERSECOND_POOL_SIZE", "REDIS_PERSECOND_AUTH", "REDIS_PERSECOND_TLS",
        "REDIS_PERSECOND_PIPELINE_WINDOW", "REDIS_PERSECOND_PIPELINE_LIMIT", "REDIS_PERSECOND_USE_EXPLICIT_PIPELINE",
        "REDIS_PERSECOND_TIMEOUT", "REDIS_PERSECOND_POOL_ON_EMPTY_BEHAVIOR", "REDIS_PERSECOND_SENTINEL_AUTH")) {
      inert(name, "REDIS_PERSECOND is off, as it must be here: every limit lives on the one Redis of REDIS_URL");
    }

    // Metrics (statsd, Prometheus and tracing variables are flags of StatsdOptions, TelemetryOptions and
    // TracingOptions)
    inert("DISABLE_STATS", "metrics are always kept: nothing is sent unless USE_STATSD is on, and /metrics is "
        + "read only when scraped");
    inert("PROMETHEUS_MAPPER_YAML", "the Prometheus names are fixed: envoyproxy/ratelimit's "
        + "ratelimit_service_* names are exported beside this service's own (docs/operations.md)");
  }

  private UpstreamVariables() {}

  private static void inert(String name, String reason) {
    VARIABLES.put(name, value -> Verdict.note(reason));
  }

  private static void byValue(String name, Function<String, Verdict> verdict) {
    VARIABLES.put(name, verdict);
  }

  /** Every variable listed here. */
  static Set<String> names() {
    return VARIABLES.keySet();
  }

  /**
   * Judges the variables that are set.
   *
   * @param env the process environment
   * @param bound the variables a flag of the service reads; they are not judged here
   * @return one start-up line per variable that is set but has no effect
   * @throws SettingsException for the first value the service cannot honour
   */
  static List<String> judge(Map<String, String> env, Set<String> bound) {
    List<String> notes = new ArrayList<>();
    VARIABLES.forEach((name, verdictOf) -> {
      String value = env.get(name);
      if (value == null || bound.contains(name)) {
        return;
      }
      Verdict verdict;
      try {
        verdict = verdictOf.apply(value);
      } catch (IllegalArgumentException e) {
        throw new SettingsException(name + ": " + e.getMessage());
      }
      switch (verdict.kind()) {
        case REFUSE -> throw new SettingsException(name + "=" + shown(name, value) + " is not supported: "
            + verdict.text());
        case NOTE -> notes.add(name + " is set and has no effect here: " + verdict.text());
        case SAME -> { }
      }
    });
    return notes;
  }

  /** Values are echoed in messages, except those that may be secrets. */
  private static String shown(String name, String value) {
    return name.contains("AUTH") ? "<redacted>" : value;
  }

  /** envoyproxy/ratelimit's booleans, as {@link BooleanConverter} reads them. */
  private static final class BooleanValue {
    static boolean isTrue(String value) {
      try {
        return new BooleanConverter().convert(value);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("'" + value + "' is not a boolean; use true or false", e);
      }
    }
  }
}
