package io.egressratelimit.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.function.Function;

/**
 * One Lettuce connection in the configured topology, and the client and resources behind it,
 * which close with it. A Sentinel connection follows the master through failovers.
 */
public final class RedisConnection<V> implements AutoCloseable {
  private final StatefulRedisConnection<String, V> single;
  private final StatefulRedisClusterConnection<String, V> cluster;
  private final AbstractRedisClient client;
  private final ClientResources resources;
  private final String description;

  private RedisConnection(StatefulRedisConnection<String, V> single, StatefulRedisClusterConnection<String, V> cluster,
      AbstractRedisClient client, ClientResources resources, String description) {
    this.single = single;
    this.cluster = cluster;
    this.client = client;
    this.resources = resources;
    this.description = description;
  }

  static <V> RedisConnection<V> single(StatefulRedisConnection<String, V> connection, AbstractRedisClient client,
      ClientResources resources, String description) {
    return new RedisConnection<>(connection, null, client, resources, description);
  }

  static <V> RedisConnection<V> cluster(StatefulRedisClusterConnection<String, V> connection,
      AbstractRedisClient client, ClientResources resources, String description) {
    return new RedisConnection<>(null, connection, client, resources, description);
  }

  public RedisClusterAsyncCommands<String, V> commands() {
    return single != null ? single.async() : cluster.async();
  }

  /** Applies the function that fits the topology: Lettuce types its two connections apart. */
  public <T> T either(Function<StatefulRedisConnection<String, V>, T> onSingle,
      Function<StatefulRedisClusterConnection<String, V>, T> onCluster) {
    return single != null ? onSingle.apply(single) : onCluster.apply(cluster);
  }

  /** The cluster slot of a key; 0 everywhere outside a cluster. */
  int slotOf(String key) {
    return cluster != null ? SlotHash.getSlot(key) : 0;
  }

  /** The topology and the redacted address, e.g. {@code single redis://127.0.0.1:6379}. */
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    if (single != null) {
      single.close();
    } else {
      cluster.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
  }
}
