package io.egressratelimit.redis;

import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import java.util.List;

/**
 * Where a bucket lives in Redis: its key, and so its cluster slot. On a Cluster every bucket is
 * tagged with its own hash, so one domain's buckets spread over every master; on one node (single
 * or Sentinel), where no slot exists, keys keep the domain tag they always had, so an upgrade there
 * changes no key.
 *
 * @param spread tag each bucket by its own hash (a Cluster) rather than by its domain
 * @param legacyTwins also name each bucket's domain-tagged key, the one earlier versions wrote on a
 *     Cluster, so that both are spent while a fleet is half upgraded
 */
record KeyLayout(String prefix, boolean spread, boolean legacyTwins) {

  static KeyLayout of(RedisStoreSettings settings) {
    return new KeyLayout(settings.keyPrefix(), settings.topology() == RedisTopology.CLUSTER,
        settings.legacyClusterKeys());
  }

  /**
   * The Redis keys a claim spends: its own, or with legacy twins first its domain-tagged key and
   * then its own. The domain-tagged keys of a request share one slot, and earlier versions decide on
   * them alone, so putting them first asks the key that counts every replica's spending first.
   */
  List<String> keysOf(BucketBatch batch, BucketClaim claim) {
    String domainTagged = BucketKey.inStore(prefix, batch.domain(), claim.key());
    if (!spread) {
      return List.of(domainTagged);
    }
    String own = BucketKey.spreadInStore(prefix, claim.key());
    return legacyTwins ? List.of(domainTagged, own) : List.of(own);
  }
}
