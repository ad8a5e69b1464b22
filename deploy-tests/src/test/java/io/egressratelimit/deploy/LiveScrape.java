package io.egressratelimit.deploy;

import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.egressratelimit.testing.rlqs.QuotaStream;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics a running service really exports: a real redis-server and the real service on free
 * ports, driven through admitted, over-limit, near-limit, shadow-mode, nested-rule, invalid and
 * store-failure decisions and one RLQS usage report, then scraped once. Series name to the label names seen on it.
 */
final class LiveScrape {
  private static final String LIMITS = """
      domain: geocode
      descriptors:
        - key: generic_key
          value: geocode
          rate_limit: {requests_per_unit: 3, unit: hour}
          descriptors:
            - key: caller
              rate_limit: {requests_per_unit: 2, unit: hour}
        - key: generic_key
          value: shadow
          shadow_mode: true
          rate_limit: {requests_per_unit: 1, unit: hour}
        - key: generic_key
          value: quota
          rate_limit: {requests_per_unit: 10, unit: minute, algorithm: token_bucket, burst: 4, rlqs: true}
      """;
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][\\w:]*)(?:\\{(.*)})?\\s+\\S+.*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]\\w*)=\"(?:[^\"\\\\]|\\\\.)*\"");

  private static Map<String, Set<String>> scraped;

  /** One usage report on an RLQS stream, as an Envoy's first request sends it, and its answer. */
  private static void reportQuotaUsage(int grpcPort) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    CompletableFuture<RateLimitQuotaResponse> answered = new CompletableFuture<>();
    try (QuotaStream stream = new QuotaStream(channel, answered::complete)) {
      stream.sendFirstReport(RateLimitQuotaUsageReports.newBuilder().setDomain("geocode")
          .addBucketQuotaUsages(RateLimitQuotaUsageReports.BucketQuotaUsage.newBuilder()
              .setBucketId(BucketId.newBuilder().putBucket("generic_key", "quota"))
              .setNumRequestsDenied(1))
          .build());
      answered.get(30, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow();
    }
  }

  static synchronized Map<String, Set<String>> series() throws Exception {
    if (scraped == null) {
      scraped = parse(scrape());
    }
    return scraped;
  }

  private static String scrape() throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "live-");
    Path limits = Files.writeString(dir.resolve("geocode.yaml"), LIMITS);
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      ServerSettings settings = ServerSettings.inMemory(limits, 0, 0)
          .withRedis(RedisStoreSettings.standalone(redis.url()));
      try (RateLimitServer server = RateLimitServer.start(settings);
          RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
        // As Kubernetes would: no traffic before readiness, so the decisions below meet a warm replica.
        if (!server.awaitReady(Duration.ofSeconds(60))) {
          throw new IllegalStateException("the service did not report SERVING within 60 s");
        }
        for (int i = 0; i < 4; i++) {
          rls.ask(request("generic_key", "geocode")); // 3 admitted (the last near the limit), 1 over
        }
        for (int i = 0; i < 3; i++) {
          rls.ask(request("generic_key", "geocode", "caller", "batch")); // a nested rule: key2
        }
        rls.ask(request("generic_key", "shadow"));
        rls.ask(request("generic_key", "shadow")); // shadow mode would have denied
        expectFailure("an empty domain", () -> rls.ask(RateLimitRequest.newBuilder().setDomain("").build()));
        reportQuotaUsage(server.grpcPort()); // an RLQS budget's ledger, and its gauges
        redis.kill();
        // a bucket not known empty, so the over-limit cache cannot answer it without Redis
        expectFailure("Redis gone", () -> rls.ask(request("generic_key", "geocode", "caller", "web")));
        return Http.get(server.httpPort(), "/metrics").body();
      }
    }
  }

  static Map<String, Set<String>> parse(String scrape) {
    Map<String, Set<String>> series = new TreeMap<>();
    for (String line : scrape.lines().toList()) {
      Matcher sample = SAMPLE.matcher(line);
      if (line.startsWith("#") || !sample.matches()) {
        continue;
      }
      Set<String> labels = series.computeIfAbsent(sample.group(1), name -> new TreeSet<>());
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.add(label.group(1));
        }
      }
    }
    return series;
  }

  private static RateLimitRequest request(String... keyValues) {
    return RlsTestClient.request("geocode", RlsTestClient.descriptor(keyValues));
  }

  private static void expectFailure(String why, Runnable call) {
    try {
      call.run();
      throw new AssertionError("the call was meant to fail: " + why);
    } catch (StatusRuntimeException expected) {
      // INVALID_ARGUMENT, or UNAVAILABLE once Redis is gone: both counted as errors
    }
  }
}
