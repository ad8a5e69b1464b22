package io.egressratelimit.loadgen.rlqs;

import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;

/** Parses {@code generic_key=geocode,caller=batch} into the {@code BucketId} map a bucket_id_builder builds. */
public final class BucketIdSpec {
  private BucketIdSpec() {}

  /**
   * @throws IllegalArgumentException naming the text when an entry is not {@code key=value} with
   *     both sides non-empty (the BucketId's own rule), or a key repeats
   */
  public static BucketId parse(String text) {
    BucketId.Builder id = BucketId.newBuilder();
    for (String entry : (text == null ? "" : text).split(",", -1)) {
      int eq = entry.indexOf('=');
      String key = eq < 0 ? "" : entry.substring(0, eq).trim();
      String value = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (key.isEmpty() || value.isEmpty()) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a bucket id: use non-empty key=value entries separated by commas, e.g. generic_key=geocode");
      }
      if (id.containsBucket(key)) {
        throw new IllegalArgumentException("'" + text + "' names the key '" + key + "' twice");
      }
      id.putBucket(key, value);
    }
    return id.build();
  }

  public static String format(BucketId id) {
    StringBuilder text = new StringBuilder();
    id.getBucketMap().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e ->
        text.append(text.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue()));
    return text.toString();
  }
}
