package io.egressratelimit.testing.redis;

import io.egressratelimit.testing.redis.RedisNode;
import io.egressratelimit.testing.redis.RedisNodes;
import io.egressratelimit.testing.redis.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Sentinel deployment: a master, one replica and three sentinels with a quorum of two, all on
 * 127.0.0.1. Failovers are forced with {@code SENTINEL FAILOVER}, which does not wait for the
 * sentinels to agree the master is down.
 */
public final class SentinelFixture implements AutoCloseable {
  public static final String MASTER_NAME = "mymaster";

  private final List<RedisNode> servers;
  private final List<RedisNode> sentinels;

  private SentinelFixture(List<RedisNode> servers, List<RedisNode> sentinels) {
    this.servers = servers;
    this.sentinels = sentinels;
  }

  public static SentinelFixture start() {
    List<RedisNode> servers = new ArrayList<>();
    List<RedisNode> sentinels = new ArrayList<>();
    try {
      // Without the delay a replica's first full sync waits 5 s for other replicas to join it.
      RedisNode master = RedisNodes.server("--repl-diskless-sync-delay", "0");
      servers.add(master);
      servers.add(RedisNodes.server("--repl-diskless-sync-delay", "0",
          "--replicaof", "127.0.0.1", Integer.toString(master.port())));
      String config = "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2\n"
          + "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
          + "sentinel failover-timeout " + MASTER_NAME + " 5000\n"
          + "sentinel parallel-syncs " + MASTER_NAME + " 1\n";
      for (int i = 0; i < 3; i++) {
        sentinels.add(RedisNodes.sentinel(config));
      }
      SentinelFixture fixture = new SentinelFixture(servers, sentinels);
      fixture.await(() -> fixture.healthProblem(master.port()));
      return fixture;
    } catch (RuntimeException e) {
      sentinels.forEach(RedisNode::close);
      servers.forEach(RedisNode::close);
      throw e;
    }
  }

  /** envoyproxy/ratelimit's form: {@code master,host:port,host:port,...}. */
  public String url() {
    StringBuilder url = new StringBuilder(MASTER_NAME);
    sentinels.forEach(sentinel -> url.append(",127.0.0.1:").append(sentinel.port()));
    return url.toString();
  }

  public int masterPort() {
    List<?> address = (List<?>) RespClient.call(sentinels.get(0).port(), "SENTINEL", "get-master-addr-by-name",
        MASTER_NAME);
    return Integer.parseInt(String.valueOf(address.get(1)));
  }

  /** Waits until the replica has every write the master has taken so far. */
  public void awaitReplicated() {
    Object acknowledged = RespClient.call(masterPort(), "WAIT", "1", "5000");
    if (!Long.valueOf(1).equals(acknowledged)) {
      throw new IllegalStateException("the replica did not acknowledge the master's writes within 5 s");
    }
  }

  /** Promotes the replica and waits until every sentinel names it as the master. */
  public void failover() {
    int oldMaster = masterPort();
    int newMaster = servers.stream().mapToInt(RedisNode::port).filter(port -> port != oldMaster).findFirst()
        .orElseThrow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Object reply;
    // A sentinel refuses while it still considers a failover in progress or the replica unfit.
    while (!"OK".equals(reply = RespClient.text(sentinels.get(0).port(), "SENTINEL", "FAILOVER", MASTER_NAME))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("SENTINEL FAILOVER kept failing: " + reply);
      }
      RedisNodes.sleep(100);
    }
    await(() -> promotionProblem(newMaster));
  }

  /**
   * Every sentinel names {@code master}, knows the replica and the other sentinels, and the replica
   * replicates from the master with its link up: what a failover needs. Empty once so.
   */
  private String healthProblem(int master) {
    String promotion = promotionProblem(master);
    if (!promotion.isEmpty()) {
      return promotion;
    }
    for (RedisNode sentinel : sentinels) {
      if (((List<?>) RespClient.call(sentinel.port(), "SENTINEL", "REPLICAS", MASTER_NAME)).isEmpty()) {
        return "sentinel " + sentinel.port() + " knows no replica yet";
      }
      if (((List<?>) RespClient.call(sentinel.port(), "SENTINEL", "SENTINELS", MASTER_NAME)).size() < 2) {
        return "sentinel " + sentinel.port() + " does not know the other sentinels yet";
      }
    }
    for (RedisNode server : servers) {
      if (server.port() != master
          && (!RespClient.info(server.port(), "replication", "master_port").equals(Integer.toString(master))
              || !RespClient.info(server.port(), "replication", "master_link_status").equals("up"))) {
        return server.port() + " does not replicate from " + master + " yet";
      }
    }
    return "";
  }

  /**
   * Every sentinel names {@code master} and it says it is a master: clients find it now. The old
   * master is turned into its replica only seconds later (Sentinel waits before reconfiguring an
   * instance that still claims to be a master), which nothing here waits for.
   */
  private String promotionProblem(int master) {
    for (RedisNode sentinel : sentinels) {
      Object address = RespClient.call(sentinel.port(), "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
      if (!(address instanceof List<?> hostPort) || !String.valueOf(master).equals(String.valueOf(hostPort.get(1)))) {
        return "sentinel " + sentinel.port() + " names " + address;
      }
    }
    return RespClient.info(master, "replication", "role").equals("master") ? "" : master + " is not a master yet";
  }

  private void await(Supplier<String> problem) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String last = problem.get();
    while (!last.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Sentinel deployment did not settle within 30 s: " + last);
      }
      RedisNodes.sleep(100);
      last = problem.get();
    }
  }

  @Override
  public void close() {
    sentinels.forEach(RedisNode::close);
    servers.forEach(RedisNode::close);
  }
}
