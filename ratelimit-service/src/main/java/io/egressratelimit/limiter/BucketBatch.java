package io.egressratelimit.limiter;

import java.util.List;

/** Every claim of one request, applied all or nothing. */
public record BucketBatch(List<BucketClaim> claims) {
  public BucketBatch {
    claims = List.copyOf(claims);
  }
}
