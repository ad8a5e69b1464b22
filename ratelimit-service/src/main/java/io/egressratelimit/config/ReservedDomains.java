package io.egressratelimit.config;

/** Domains the service uses for itself, which no limits file may claim. */
public final class ReservedDomains {
  /**
   * The calls a replica sends itself before it reports SERVING. A file that used it would share
   * buckets with the warm-up and lose its decisions from the metrics.
   */
  public static final String WARMUP = "_ratelimit_warmup";

  private ReservedDomains() {}

  public static boolean isReserved(String domain) {
    return WARMUP.equals(domain);
  }
}
