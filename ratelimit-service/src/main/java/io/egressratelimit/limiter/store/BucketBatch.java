package io.egressratelimit.limiter.store;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Every claim of one request, applied all or nothing.
 *
 * @param claims the claims, in descriptor order
 * @param domain the request's domain (one request never spans domains): what its buckets' activity is
 *     shown under, and, on one Redis node, their keys' hash tag
 * @param callerWaitNanos how much longer the caller waits for the answer (what its deadline has
 *     left when the request arrives); {@link #NO_CALLER_DEADLINE} when it set none. A store that
 *     can be slow gives up early enough for the failure policy's answer to arrive in time
 * @param callerThread where the caller's answer is built and sent (its gRPC event loop), or
 *     {@link #ANY_THREAD}. A store that answers on a thread of its own hands the answers of one
 *     round trip over in one task per caller thread, rather than one per request
 */
public record BucketBatch(List<BucketClaim> claims, String domain, long callerWaitNanos, Executor callerThread) {
  public static final long NO_CALLER_DEADLINE = Long.MAX_VALUE;
  /** Completes the answer wherever the store has it. */
  public static final Executor ANY_THREAD = Runnable::run;

  public BucketBatch {
    claims = List.copyOf(claims);
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(callerThread, "callerThread");
  }

  public BucketBatch(List<BucketClaim> claims, String domain, long callerWaitNanos) {
    this(claims, domain, callerWaitNanos, ANY_THREAD);
  }

  public BucketBatch(List<BucketClaim> claims, String domain) {
    this(claims, domain, NO_CALLER_DEADLINE);
  }

  public BucketBatch(List<BucketClaim> claims) {
    this(claims, "");
  }

  public boolean hasCallerDeadline() {
    return callerWaitNanos != NO_CALLER_DEADLINE;
  }
}
