package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running server picks up a ConfigMap update, and keeps answering with its last good config past a bad one. */
class ConfigReloadIT {
  @TempDir
  Path mount;

  private static String geocode(String unit, String requests) {
    return "domain: geocode\ndescriptors:\n  - key: generic_key\n    value: geocode\n    rate_limit:\n"
        + "      unit: " + unit + "\n      requests_per_unit: " + requests + "\n";
  }

  /** Publishes a new version the way the kubelet does: a new directory, then an atomic ..data swap. */
  private void publish(String version, String yaml) throws Exception {
    Path dir = Files.createDirectory(mount.resolve(version));
    Files.writeString(dir.resolve("geocode.yaml"), yaml);
    Files.createSymbolicLink(mount.resolve("..data_tmp"), Path.of(version));
    Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static String loads(int httpPort, String result) {
    String scrape = Http.get(httpPort, "/metrics").body();
    var line = java.util.regex.Pattern.compile("(?m)^ratelimit_config_loads_total\\{result=\"" + result + "\"} (\\S+)$")
        .matcher(scrape);
    return line.find() ? line.group(1) : "absent";
  }

  @Test
  void aValidUpdateTakesEffectAndAnInvalidOneIsRejectedWhileTheLastGoodOneKeepsAnswering() throws Exception {
    publish("..v1", geocode("minute", "1"));
    Files.createSymbolicLink(mount.resolve("geocode.yaml"), Path.of("..data/geocode.yaml"));
    ServerSettings settings = ServerSettings.inMemory(mount, 0, 0).toBuilder()
        .configPollInterval(Duration.ofMillis(200)).build();
    try (RateLimitServer server = RateLimitServer.start(settings);
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      int http = server.httpPort();
      assertEquals(1, rls.askGeocode().getStatuses(0).getCurrentLimit().getRequestsPerUnit());

      publish("..v2", geocode("hour", "50"));
      assertTrue(Eventually.within(Duration.ofSeconds(10),
          () -> rls.askGeocode().getStatuses(0).getCurrentLimit().getRequestsPerUnit() == 50), "v2 not in force");
      assertTrue(Http.get(http, "/rlconfig").body().contains("unit=HOUR requests_per_unit=50"));
      assertEquals("2.0", loads(http, "success"));

      publish("..v3", geocode("hour", "-5"));
      assertTrue(Eventually.within(Duration.ofSeconds(10), () -> loads(http, "failure").equals("1.0")),
          "the invalid v3 was not rejected");
      assertEquals(50, rls.askGeocode().getStatuses(0).getCurrentLimit().getRequestsPerUnit(),
          "v2 still answers");
      assertTrue(Http.get(http, "/metrics").body().contains("ratelimit_config_last_load_success 0.0"));
    }
  }
}
