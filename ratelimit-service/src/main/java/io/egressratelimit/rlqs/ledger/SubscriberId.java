package io.egressratelimit.rlqs.ledger;

import java.util.Optional;

/**
 * Who a subscriber is, kept in its id in the ledger (one token, no whitespace): the stream it
 * reports on, which is unique across replicas and restarts, the Envoy at the other end of that
 * stream (its address as the service sees it), and the bucket.
 */
public final class SubscriberId {
  private SubscriberId() {}

  /**
   * @param stream unique per stream, without {@code @}
   * @param envoy the peer's address, e.g. {@code 10.0.3.7:41234}
   * @param bucket the bucket, encoded without whitespace or {@code /}
   */
  public static String of(String stream, String envoy, String bucket) {
    return stream + "@" + envoy.replaceAll("[\\s/]", "") + "/" + bucket;
  }

  /** The Envoy's address in an id {@link #of} made; empty for an id of another shape. */
  public static Optional<String> envoy(String id) {
    int at = id.indexOf('@');
    int slash = id.lastIndexOf('/');
    return at < 0 || slash < at ? Optional.empty() : Optional.of(id.substring(at + 1, slash));
  }
}
