package io.egressratelimit.testing.redis;

import io.egressratelimit.testing.redis.RedisNode;
import io.egressratelimit.testing.redis.RedisNodes;
import io.egressratelimit.testing.redis.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of three masters on 127.0.0.1, slots split evenly, no replicas. Built by hand
 * (ADDSLOTSRANGE and MEET) rather than with redis-cli, so it needs nothing but the servers.
 */
public final class ClusterFixture implements AutoCloseable {
  private static final int SLOTS = 16384;

  private final List<RedisNode> masters;

  private ClusterFixture(List<RedisNode> masters) {
    this.masters = masters;
  }

  public static ClusterFixture start() {
    List<RedisNode> masters = new ArrayList<>();
    List<Integer> busPorts = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        int busPort = RedisNodes.freePort();
        busPorts.add(busPort);
        masters.add(RedisNodes.server("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "2000", "--cluster-port", Integer.toString(busPort)));
      }
      for (int i = 0; i < 3; i++) {
        RespClient.call(masters.get(i).port(), "CLUSTER", "ADDSLOTSRANGE",
            Integer.toString(firstSlot(i)), Integer.toString(firstSlot(i + 1) - 1));
      }
      for (int i = 1; i < 3; i++) {
        RespClient.call(masters.get(0).port(), "CLUSTER", "MEET", "127.0.0.1",
            Integer.toString(masters.get(i).port()), Integer.toString(busPorts.get(i)));
      }
      ClusterFixture fixture = new ClusterFixture(masters);
      fixture.awaitStateOk();
      return fixture;
    } catch (RuntimeException e) {
      masters.forEach(RedisNode::close);
      throw e;
    }
  }

  private static int firstSlot(int node) {
    return node * SLOTS / 3;
  }

  /** The seed nodes, comma-separated, as REDIS_URL takes them for a cluster. */
  public String seeds() {
    StringBuilder seeds = new StringBuilder();
    for (RedisNode master : masters) {
      seeds.append(seeds.length() == 0 ? "" : ",").append("127.0.0.1:").append(master.port());
    }
    return seeds.toString();
  }

  public List<RedisNode> masters() {
    return masters;
  }

  /** The master serving {@code slot}. */
  public RedisNode masterOf(int slot) {
    for (int i = 0; i < 3; i++) {
      if (slot < firstSlot(i + 1)) {
        return masters.get(i);
      }
    }
    throw new IllegalArgumentException("no slot " + slot);
  }

  private void awaitStateOk() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String state = "";
    while (System.nanoTime() < deadline) {
      state = "";
      for (RedisNode master : masters) {
        String info = String.valueOf(RespClient.call(master.port(), "CLUSTER", "INFO"));
        if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:3")) {
          state = master.port() + ": " + info.replace("\r\n", " ");
        }
      }
      if (state.isEmpty()) {
        return;
      }
      RedisNodes.sleep(100);
    }
    throw new IllegalStateException("the cluster did not reach cluster_state:ok within 30 s: " + state);
  }

  @Override
  public void close() {
    masters.forEach(RedisNode::close);
  }
}
