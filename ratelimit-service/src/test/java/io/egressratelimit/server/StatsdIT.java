package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A real service process sends envoyproxy/ratelimit's stats to a UDP socket of the test's; the
 * lines are read off the socket and their counts summed per name, as a statsd agent does.
 */
class StatsdIT {
  private static final Pattern COUNTER = Pattern.compile("^(.+):(-?\\d+)\\|c(\\|#.*)?$");
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** What the agent has received: counter sums per name (tags included), and the other lines. */
  private record Received(Map<String, Long> counters, List<String> others) {}

  @Test
  void plainStatsdLinesCarryUpstreamsNamesWithTheExtraTagsInTheName() throws Exception {
    try (DatagramSocket agent = agent()) {
      Map<String, String> env = env(agent);
      env.put("USE_STATSD", "true");
      env.put("EXTRA_TAGS", "cluster:eu1");
      Received received = run(env, agent, counters -> counters.getOrDefault(
          "ratelimit.service.rate_limit.geocode.generic_key_geocode.total_hits.__cluster=eu1", 0L) == 4);

      String rule = "ratelimit.service.rate_limit.geocode.generic_key_geocode.";
      assertEquals(4, received.counters().get(rule + "total_hits.__cluster=eu1"), received.toString());
      assertEquals(3, received.counters().get(rule + "within_limit.__cluster=eu1"));
      assertEquals(1, received.counters().get(rule + "over_limit.__cluster=eu1"));
      assertEquals(1, received.counters().get(rule + "near_limit.__cluster=eu1"));
      assertEquals(0, received.counters().get(rule + "shadow_mode.__cluster=eu1"));
      assertEquals(1, received.counters().get("ratelimit.service.config_load_success.__cluster=eu1"));
      assertEquals(0, received.counters().get("ratelimit.service.call.should_rate_limit.redis_error.__cluster=eu1"));
      assertEquals(4, received.counters().get("ratelimit_server.ShouldRateLimit.total_requests.__cluster=eu1"));
      assertEquals(4, received.others().stream()
          .filter(line -> line.matches("ratelimit_server\\.ShouldRateLimit\\.response_time\\.__cluster=eu1:"
              + "\\d+(\\.\\d+)?\\|ms")).count(), received.others().toString());
    }
  }

  @Test
  void dogStatsdLinesCarryTagsAndAMogrifierRenamesAsUpstreamsDoes() throws Exception {
    try (DatagramSocket agent = agent()) {
      Map<String, String> env = env(agent);
      env.put("USE_DOG_STATSD", "true");
      env.put("EXTRA_TAGS", "cluster:eu1");
      env.put("USE_DOG_STATSD_MOGRIFIERS", "RULES");
      env.put("DOG_STATSD_MOGRIFIER_RULES_PATTERN",
          "^ratelimit\\.service\\.rate_limit\\.([^.]+)\\.([^.]+)\\.(total_hits|over_limit|near_limit|within_limit)$");
      env.put("DOG_STATSD_MOGRIFIER_RULES_NAME", "ratelimit.service.rate_limit.$3");
      env.put("DOG_STATSD_MOGRIFIER_RULES_TAGS", "domain:$1,descriptor:$2");
      String tags = "|#cluster:eu1,descriptor:generic_key_geocode,domain:geocode";
      Received received = run(env, agent,
          counters -> counters.getOrDefault("ratelimit.service.rate_limit.total_hits" + tags, 0L) == 4);

      assertEquals(4, received.counters().get("ratelimit.service.rate_limit.total_hits" + tags), received.toString());
      assertEquals(3, received.counters().get("ratelimit.service.rate_limit.within_limit" + tags));
      assertEquals(1, received.counters().get("ratelimit.service.rate_limit.over_limit" + tags));
      assertEquals(0, received.counters().get(
          "ratelimit.service.rate_limit.geocode.generic_key_geocode.shadow_mode|#cluster:eu1"),
          "a stat no mogrifier matches keeps its name");
      assertEquals(1, received.counters().get("ratelimit.service.config_load_success|#cluster:eu1"));
      assertTrue(received.others().stream().anyMatch(line -> line.matches(
          "ratelimit_server\\.ShouldRateLimit\\.response_time:\\d+(\\.\\d+)?\\|ms\\|#cluster:eu1")),
          received.others().toString());
    }
  }

  private static DatagramSocket agent() throws Exception {
    DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    socket.setSoTimeout(500);
    return socket;
  }

  private static Map<String, String> env(DatagramSocket agent) throws Exception {
    Path config = Path.of(StatsdIT.class.getResource("/server/geocode.yaml").toURI());
    Map<String, String> env = new HashMap<>(Map.of("CONFIG_PATH", config.toString(), "HOST", "127.0.0.1",
        "STATSD_HOST", "127.0.0.1", "STATSD_PORT", String.valueOf(agent.getLocalPort()),
        "STATS_FLUSH_INTERVAL", "200ms"));
    return env;
  }

  /** Starts the service, makes 4 decisions (3 admitted, 1 denied) and reads lines until {@code done}. */
  private static Received run(Map<String, String> env, DatagramSocket agent, Predicate<Map<String, Long>> done)
      throws Exception {
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    env.put("GRPC_PORT", String.valueOf(grpcPort));
    env.put("PORT", String.valueOf(httpPort));
    try (ServiceProcess service = ServiceProcess.start(env)) {
      assertTrue(service.awaitServing(httpPort, DEADLINE), service.output());
      try (RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
        for (int i = 0; i < 4; i++) {
          rls.askGeocode();
        }
      }
      Received received = new Received(new HashMap<>(), new ArrayList<>());
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      byte[] buffer = new byte[65_536];
      // Reads past the sought count for a couple of flushes more, so a line sent twice would show.
      int flushesAfterDone = 0;
      while (System.nanoTime() < deadline && flushesAfterDone < 3) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          agent.receive(packet);
        } catch (SocketTimeoutException e) {
          continue;
        }
        for (String line : new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8).split("\n")) {
          Matcher counter = COUNTER.matcher(line);
          if (counter.matches()) {
            String name = counter.group(1) + (counter.group(3) == null ? "" : counter.group(3));
            received.counters().merge(name, Long.parseLong(counter.group(2)), Long::sum);
          } else {
            received.others().add(line);
          }
        }
        if (done.test(received.counters())) {
          flushesAfterDone++;
        }
      }
      assertTrue(done.test(received.counters()), "the lines sought never arrived: " + received);
      return received;
    }
  }
}
