package io.egressratelimit.loadgen.bench;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import java.util.List;
import java.util.Locale;

/** Which descriptors the benchmark's calls carry; each has a rule in scripts/bench/limits.yaml. */
public enum Workload {
  /** One global budget: every call on the same bucket, the case the design must win. */
  HOT(1),
  /** 10,000 per-user buckets, a random one per call. */
  KEYS10K(10_000),
  /** A budget of one call an hour: after the first, every answer is OVER_LIMIT. */
  OVER(1),
  /**
   * 1,000,000 per-user buckets called in turn, each call the next user: n calls touch n budgets.
   * On a Redis Cluster they spread over every master.
   */
  USERS(1_000_000),
  /**
   * The global budget and one of 10,000 users' budgets, at random, in one request: on a Redis
   * Cluster the two buckets sit on different masters most of the time, and the request is decided
   * slot by slot.
   */
  HOTUSER(10_000);

  private final int requests;

  Workload(int requests) {
    this.requests = requests;
  }

  /** The name as typed and as written in the result: {@code hot}, {@code keys10k}, {@code users}... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** How many different requests the workload sends. */
  int requests() {
    return requests;
  }

  /** Whether calls take the requests in turn, rather than one at random. */
  boolean inTurn() {
    return this == USERS;
  }

  /** The descriptors of the workload's request number {@code index}. */
  List<RateLimitDescriptor> descriptors(int index) {
    return switch (this) {
      case HOT -> List.of(descriptor("generic_key", "hot"));
      case OVER -> List.of(descriptor("generic_key", "over"));
      case KEYS10K, USERS -> List.of(descriptor("user", "u" + index));
      case HOTUSER -> List.of(descriptor("generic_key", "hot"), descriptor("user", "u" + index));
    };
  }

  static RateLimitDescriptor descriptor(String key, String value) {
    return RateLimitDescriptor.newBuilder()
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value))
        .build();
  }
}
