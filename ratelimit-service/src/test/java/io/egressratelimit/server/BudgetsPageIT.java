package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.RlsTestClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@code /budgets} page in a real headless Chromium against a running service under load: the
 * numbers on the page change as the budget is spent. Waits go through playwright-core where node
 * is installed, otherwise through Chromium's {@code --dump-dom}.
 */
class BudgetsPageIT {
  private static final String RULE = "geocode.generic_key_geocode";
  private static final Pattern SUMMARY =
      Pattern.compile("geocode: 0 of 40 left, full again in \\d+ min, [1-9]\\d* denied in the last 10 s");

  @Test
  void theNumbersOnThePageFollowTheBudgetAsItIsSpent() throws Exception {
    Optional<Path> chromium = onPath("chromium");
    Assumptions.assumeTrue(chromium.isPresent(),
        "chromium is not installed here (apt-get install -y chromium; .ci/run and ./setup.sh test install it)");
    try (RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(BudgetsEndpointIT.config(), 0, 0));
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      for (int i = 0; i < 5; i++) {
        rls.askGeocode();
      }
      String url = "http://127.0.0.1:" + server.httpPort() + "/budgets";
      Reading first;
      Reading spent;
      try (Load load = new Load(rls)) {
        if (onPath("node").isPresent() && onPath("npm").isPresent()) {
          List<Reading> readings = withPlaywright(chromium.get(), url, load);
          first = readings.get(0);
          spent = readings.get(1);
        } else {
          first = dumpDom(chromium.get(), url);
          load.start();
          assertTrue(load.awaitDenials(), "the load spent the budget");
          Thread.sleep(1500); // the page polls once a second
          spent = dumpDom(chromium.get(), url);
        }
      }
      assertEquals("35", first.tokens(), "5 of 40 spent before the page opened: " + first);
      assertEquals("0", first.denied10s());
      assertEquals("0", spent.tokens(), spent.toString());
      assertTrue(Integer.parseInt(spent.denied10s()) > 0, spent.toString());
      assertTrue(SUMMARY.matcher(spent.summary()).matches(), spent.summary());
    }
  }

  /** What the page shows for the rule's bucket. */
  record Reading(String tokens, String summary, String denied10s) {}

  /** Requests as fast as one client goes, from {@link #start()} until closed. */
  private static final class Load implements AutoCloseable {
    private final RlsTestClient rls;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean denied = new AtomicBoolean();
    private Thread thread;

    Load(RlsTestClient rls) {
      this.rls = rls;
    }

    void start() {
      running.set(true);
      thread = new Thread(() -> {
        while (running.get()) {
          if (rls.askGeocode().getOverallCode()
              == io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code.OVER_LIMIT) {
            denied.set(true);
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "budgets-load");
      thread.start();
    }

    boolean awaitDenials() throws InterruptedException {
      for (int i = 0; i < 300 && !denied.get(); i++) {
        Thread.sleep(50);
      }
      return denied.get();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      if (thread != null) {
        thread.join(5000);
      }
    }
  }

  /** Runs budgets-page.mjs: its first reading, then (with the load started) the spent one. */
  private static List<Reading> withPlaywright(Path chromium, String url, Load load) throws Exception {
    Path dir = Path.of("target", "browser");
    Files.createDirectories(dir);
    Files.copy(Path.of("src", "test", "browser", "budgets-page.mjs"), dir.resolve("budgets-page.mjs"),
        StandardCopyOption.REPLACE_EXISTING);
    if (!Files.isDirectory(dir.resolve("node_modules").resolve("playwright-core"))) {
      Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--silent",
          "--prefix", dir.toString(), "playwright-core@1.65.1").redirectErrorStream(true).start();
      String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(install.waitFor(5, TimeUnit.MINUTES) && install.exitValue() == 0, "npm install: " + output);
    }
    ProcessBuilder builder = new ProcessBuilder("node", "budgets-page.mjs", url, RULE,
        Path.of("target", "budgets-page.png").toAbsolutePath().toString()).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("CHROMIUM", chromium.toString());
    Process browser = builder.start();
    List<Reading> readings = new ArrayList<>();
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.append(line).append('\n');
        if (line.startsWith("{")) {
          JsonObject json = JsonParser.parseString(line).getAsJsonObject();
          readings.add(new Reading(json.get("tokens").getAsString(), json.get("summary").getAsString(),
              json.get("denied10s").getAsString()));
          if (readings.size() == 1) {
            load.start();
          }
        }
      }
    } finally {
      if (!browser.waitFor(60, TimeUnit.SECONDS)) {
        browser.destroyForcibly();
      }
    }
    assertEquals(0, browser.exitValue(), output.toString());
    assertEquals(2, readings.size(), output.toString());
    return readings;
  }

  /** The page after it has run for a few (virtual) seconds, read from the DOM Chromium dumps. */
  private static Reading dumpDom(Path chromium, String url) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium");
    Process dump = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=3000", "--dump-dom", url)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(dump.waitFor(60, TimeUnit.SECONDS), "chromium --dump-dom did not end");
    Matcher bucket = Pattern.compile("data-rule=\"" + Pattern.quote(RULE) + "\".*?<span class=\"tokens\">([^<]*)</span>"
        + ".*?<p class=\"summary\">([^<]*)</p>.*?class=\"denied-10s\">[^<]*<b>([^<]*)</b>", Pattern.DOTALL).matcher(dom);
    assertTrue(bucket.find(), dom);
    return new Reading(bucket.group(1), bucket.group(2), bucket.group(3));
  }

  private static Optional<Path> onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
