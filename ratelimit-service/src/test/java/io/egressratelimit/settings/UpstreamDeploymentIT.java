package io.egressratelimit.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upstream Deployment of docs/migrating-from-envoy-ratelimit.md, run as a real process: its env
 * block unchanged (upstream's docker-compose environment) but for where the pod's paths and the
 * Redis service are on this machine, its ConfigMap mounted under RUNTIME_ROOT as in the pod.
 */
class UpstreamDeploymentIT {

  @Test
  void theUpstreamDeploymentStartsUnchangedAndServesItsDecisionsFromRedis(@TempDir Path pod) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(MigrationGuide.environment());
    Path mount = Files.createDirectories(Path.of(pod + MigrationGuide.configMountPath()));
    for (Map.Entry<String, String> file : MigrationGuide.configFiles().entrySet()) {
      Files.writeString(mount.resolve(file.getKey()), file.getValue());
    }
    // The harness's own domain, to warm the fresh process's Redis path without touching the guide's buckets.
    Files.writeString(mount.resolve("warmup.yaml"), "domain: warmup\ndescriptors:\n  - key: k\n    rate_limit:\n"
        + "      unit: second\n      requests_per_unit: 1000000\n");
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      // The pod's file system is under the test's directory, and the "redis" Service is the local redis-server.
      env.put("RUNTIME_ROOT", pod + env.get("RUNTIME_ROOT"));
      env.put("REDIS_URL", "127.0.0.1:" + redis.port());
      int grpcPort = FreePort.find();
      int httpPort = FreePort.find();
      env.put("HOST", "127.0.0.1");
      env.put("GRPC_PORT", Integer.toString(grpcPort));
      env.put("PORT", Integer.toString(httpPort));
      try (ServiceProcess service = ServiceProcess.start(env)) {
        assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
        try (RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
          RateLimitRequest warmup = RlsTestClient.request("warmup", RlsTestClient.descriptor("k", "v"));
          assertTrue(Eventually.within(Duration.ofSeconds(30), () -> {
            try {
              return rls.ask(warmup).getOverallCode() == RateLimitResponse.Code.OK;
            } catch (io.grpc.StatusRuntimeException coldStart) {
              return false;
            }
          }), service.output());
          RateLimitRequest account = RlsTestClient.request("rl", RlsTestClient.descriptor("category", "account"));
          List<RateLimitResponse.Code> codes = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            codes.add(rls.ask(account).getOverallCode());
          }
          assertEquals(List.of(RateLimitResponse.Code.OK, RateLimitResponse.Code.OK, RateLimitResponse.Code.OK,
              RateLimitResponse.Code.OVER_LIMIT), codes, "3 per minute, from the ConfigMap");
          RateLimitRequest nested = RlsTestClient.request("rl",
              RlsTestClient.descriptor("source_cluster", "proxy", "destination_cluster", "mock"));
          RateLimitResponse first = rls.ask(nested);
          assertEquals(RateLimitResponse.Code.OK, first.getOverallCode());
          assertEquals(2, first.getStatuses(0).getCurrentLimit().getRequestsPerUnit());
          assertEquals(1, first.getStatuses(0).getLimitRemaining());
          assertEquals(RateLimitResponse.Code.OK, rls.ask(RlsTestClient.request("rl",
              RlsTestClient.descriptor("category", "other"))).getOverallCode(), "no rule: OK, as upstream");
        }
        assertTrue(Integer.parseInt(redis.command("DBSIZE").trim().replaceAll("\\D", "")) >= 2,
            "the buckets live in Redis, not in the process");
        assertTrue(service.output().contains(mount.toString()), "the config came from the mount: "
            + service.output());
      }
    }
  }

  @Test
  void anUpstreamSettingThatCannotBeHonouredStopsStartUpWithOneLine(@TempDir Path pod) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(MigrationGuide.environment());
    env.put("RUNTIME_ROOT", pod.toString());
    env.put("BACKEND_TYPE", "memcache");
    env.put("MEMCACHE_HOST_PORT", "memcached:11211");
    try (ServiceProcess service = ServiceProcess.runToEnd(env)) {
      assertEquals(2, service.awaitExit(Duration.ofSeconds(5)));
      assertEquals("ratelimit-service: BACKEND_TYPE=memcache is not supported: memcache is not supported: its "
          + "increments cannot deny a request atomically across descriptors (all or nothing) nor keep one exact "
          + "token bucket; use Redis\n", service.output());
    }
  }
}
