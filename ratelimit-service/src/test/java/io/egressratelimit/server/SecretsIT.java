package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Redis password given in the URL and in REDIS_AUTH never shows: not in the logs at debug level,
 * not in an error at start-up, not on the admin port, not in --help.
 */
class SecretsIT {
  private static final String URL_SECRET = "url-Secret-9f3Kq";
  private static final String AUTH_SECRET = "auth-Secret-7Hx2p";
  private static final String WRONG_SECRET = "wrong-Secret-4Tn8w";

  private static void assertNoSecret(String where, String text) {
    for (String secret : List.of(URL_SECRET, AUTH_SECRET, WRONG_SECRET)) {
      assertFalse(text.contains(secret), where + " shows a secret:\n" + text);
    }
  }

  private static Map<String, String> env(RedisServerProcess redis, String auth, int grpcPort, int httpPort)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("CONFIG_PATH", Path.of(SecretsIT.class.getResource("/server/geocode.yaml").toURI()).toString());
    env.put("HOST", "127.0.0.1");
    env.put("GRPC_PORT", Integer.toString(grpcPort));
    env.put("PORT", Integer.toString(httpPort));
    env.put("REDIS_URL", "redis://default:" + URL_SECRET + "@127.0.0.1:" + redis.port());
    env.put("REDIS_AUTH", auth);
    env.put("BACKEND_TIMEOUT", "2s");
    env.put("LOG_LEVEL", "debug");
    env.put("LOG_FORMAT", "json");
    env.put("DRAIN_DELAY", "0s");
    return env;
  }

  @Test
  void theRedisPasswordNeverAppears() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      assertEquals("+OK", redis.command("CONFIG SET requirepass " + AUTH_SECRET));
      int grpcPort = FreePort.find();
      int httpPort = FreePort.find();

      try (ServiceProcess service = ServiceProcess.start(env(redis, AUTH_SECRET, grpcPort, httpPort))) {
        assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
        try (RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
          assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode(), "REDIS_AUTH was used");
        }
        for (String path : List.of("/rlconfig", "/metrics", "/healthcheck", "/", "/budgets")) {
          assertNoSecret(path, Http.get(httpPort, path).body());
        }
        service.terminate();
        assertEquals(0, service.awaitExit(Duration.ofSeconds(60)));
        String output = service.output();
        assertNoSecret("the log", output);
        assertTrue(output.contains("redis://<redacted>@127.0.0.1:" + redis.port()), output);
        assertEveryLineIsJson(output);
      }

      try (ServiceProcess wrongPassword = ServiceProcess.runToEnd(
          env(redis, WRONG_SECRET, FreePort.find(), FreePort.find()))) {
        assertEquals(1, wrongPassword.awaitExit(Duration.ofSeconds(5)), wrongPassword.output());
        assertTrue(wrongPassword.output().contains("ratelimit-service: cannot connect to Redis at redis://<redacted>@"),
            wrongPassword.output());
        assertNoSecret("the start-up error", wrongPassword.output());
      }

      try (ServiceProcess help = ServiceProcess.runToEnd(env(redis, AUTH_SECRET, 0, 0), "--help")) {
        assertEquals(0, help.awaitExit(Duration.ofSeconds(5)));
        assertTrue(help.output().contains("--redis-auth=PASSWORD"), help.output());
        assertNoSecret("--help", help.output());
      }
    }
  }

  @Test
  void aPasswordFromAFileIsUsedAndOneOnTheCommandLineIsWarnedAbout(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      assertEquals("+OK", redis.command("CONFIG SET requirepass " + AUTH_SECRET));
      Path secret = java.nio.file.Files.writeString(dir.resolve("redis-password"), AUTH_SECRET + "\n");
      int grpcPort = FreePort.find();
      int httpPort = FreePort.find();
      Map<String, String> fromFile = env(redis, AUTH_SECRET, grpcPort, httpPort);
      fromFile.remove("REDIS_AUTH");
      fromFile.put("REDIS_URL", "redis://127.0.0.1:" + redis.port());
      fromFile.put("REDIS_AUTH_FILE", secret.toString());
      try (ServiceProcess service = ServiceProcess.start(fromFile)) {
        assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
        try (RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
          assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode(), "the file's password was used");
        }
        assertNoSecret("the log", service.output());
      }

      Map<String, String> both = new HashMap<>(fromFile);
      both.put("REDIS_AUTH", AUTH_SECRET);
      try (ServiceProcess refused = ServiceProcess.runToEnd(both)) {
        assertEquals(2, refused.awaitExit(Duration.ofSeconds(10)), refused.output());
        assertTrue(refused.output().contains("both --redis-auth (REDIS_AUTH) and --redis-auth-file (REDIS_AUTH_FILE) "
            + "are set"), refused.output());
      }

      Map<String, String> onCommandLine = new HashMap<>(fromFile);
      onCommandLine.remove("REDIS_AUTH_FILE");
      try (ServiceProcess argument = ServiceProcess.start(onCommandLine, "--redis-auth", AUTH_SECRET)) {
        assertTrue(argument.awaitServing(httpPort, Duration.ofSeconds(60)), argument.output());
        assertTrue(argument.output().contains("--redis-auth was given on the command line, where ps shows it to every "
            + "user of the machine; set REDIS_AUTH or --redis-auth-file instead"), argument.output());
      }
    }
  }

  private static void assertEveryLineIsJson(String output) throws Exception {
    List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
    assertTrue(lines.size() >= 3, output);
    for (String line : lines) {
      Struct.Builder parsed = Struct.newBuilder();
      JsonFormat.parser().merge(line, parsed);
      assertTrue(parsed.containsFields("level") && parsed.containsFields("message"), line);
    }
  }
}
