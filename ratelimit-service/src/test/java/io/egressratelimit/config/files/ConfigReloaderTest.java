package io.egressratelimit.config.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigLoadListener;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.files.ConfigReloader;
import io.egressratelimit.testing.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ConfigReloaderTest {
  private static final Duration NO_POLLING = Duration.ZERO;
  private static final Duration DEBOUNCE = Duration.ofMillis(50);

  @TempDir
  Path dir;

  private final List<String> events = new ArrayList<>();
  private final ConfigLoadListener recorder = new ConfigLoadListener() {
    @Override
    public void onLoaded(RateLimitConfig config) {
      events.add("loaded " + limitOf(config));
    }

    @Override
    public void onRejected(ConfigException error) {
      events.add("rejected " + error.getMessage());
    }

    @Override
    public void onDomainRemovalRefused(java.util.Set<String> domains) {
      events.add("removal refused " + domains);
    }
  };
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private ConfigReloader reloader;

  @BeforeEach
  void captureLog() {
    log.start();
    ((Logger) LoggerFactory.getLogger(ConfigReloader.class)).addAppender(log);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(ConfigReloader.class)).detachAppender(log);
    if (reloader != null) {
      reloader.close();
    }
  }

  private static String geocode(String unit, int requests) {
    return "domain: geocode\ndescriptors:\n  - key: generic_key\n    value: geocode\n    rate_limit:\n"
        + "      unit: " + unit + "\n      requests_per_unit: " + requests + "\n";
  }

  private static long limitOf(RateLimitConfig config) {
    return config.rules().get(0).policy().orElseThrow().requestsPerPeriod();
  }

  @Test
  void aValidChangeGoesIntoForceAndAnUnchangedFileIsNotReloaded() throws Exception {
    Files.writeString(dir.resolve("geocode.yaml"), geocode("minute", 5));
    reloader = ConfigReloader.start(dir, NO_POLLING, Duration.ofHours(1), recorder);
    assertFalse(reloader.reloadIfChanged(), "nothing changed");

    Files.writeString(dir.resolve("geocode.yaml"), geocode("minute", 7));
    assertTrue(reloader.reloadIfChanged());
    assertEquals(7, limitOf(reloader.current()));
    assertEquals(List.of("loaded 5", "loaded 7"), events);
  }

  @Test
  void anInvalidChangeIsRejectedNamingFileAndPathAndTheLastGoodConfigStays() throws Exception {
    Files.writeString(dir.resolve("geocode.yaml"), geocode("minute", 5));
    reloader = ConfigReloader.start(dir, NO_POLLING, Duration.ofHours(1), recorder);

    Files.writeString(dir.resolve("geocode.yaml"), geocode("fortnight", 7));
    assertFalse(reloader.reloadIfChanged());
    assertEquals(5, limitOf(reloader.current()), "the last good config stays in force");
    String reason = "geocode.yaml: descriptors[0].rate_limit.unit: invalid rate limit unit 'fortnight'";
    assertTrue(events.get(1).startsWith("rejected " + reason), events.toString());
    ILoggingEvent line = log.list.get(log.list.size() - 1);
    assertEquals(Level.WARN, line.getLevel());
    assertTrue(line.getFormattedMessage().startsWith(
        "limits config rejected; the last good config stays in force: " + reason), line.getFormattedMessage());

    assertFalse(reloader.reloadIfChanged(), "the same broken files are not rejected again");
    assertEquals(2, events.size());
    Files.writeString(dir.resolve("geocode.yaml"), geocode("minute", 9));
    assertTrue(reloader.reloadIfChanged(), "a fix goes into force");
    assertEquals(9, limitOf(reloader.current()));
  }

  @Test
  void aMissingDirectoryIsRejectedOnceWhileItStaysMissing() throws Exception {
    Path config = Files.createDirectory(dir.resolve("limits"));
    Files.writeString(config.resolve("geocode.yaml"), geocode("minute", 5));
    reloader = ConfigReloader.start(config, NO_POLLING, Duration.ofHours(1), recorder);
    Files.delete(config.resolve("geocode.yaml"));
    assertFalse(reloader.reloadIfChanged());
    assertFalse(reloader.reloadIfChanged());
    assertEquals(List.of("loaded 5", "rejected no .yaml files in " + config), events);
    assertEquals(5, limitOf(reloader.current()));
  }

  private static String maps(int requests) {
    return "domain: maps\ndescriptors:\n  - key: generic_key\n    value: maps\n    rate_limit:\n"
        + "      unit: minute\n      requests_per_unit: " + requests + "\n";
  }

  @Test
  void aReloadThatWouldDropADomainWithRulesIsRefusedAndTheLastGoodConfigStays() throws Exception {
    Files.writeString(dir.resolve("geocode.yaml"), geocode("minute", 5));
    Files.writeString(dir.resolve("maps.yaml"), maps(3));
    reloader = ConfigReloader.start(dir, NO_POLLING, Duration.ofHours(1), recorder);

    Files.delete(dir.resolve("maps.yaml")); // a ConfigMap edit that lost a key
    assertFalse(reloader.reloadIfChanged());
    assertEquals(java.util.Set.of("geocode", "maps"), reloader.current().domains(), "the last good config stays");
    String reason = dir + ": the new config has no domain maps (1 rule) of those in force; removing a domain "
        + "leaves its traffic unlimited, so the change is refused. To remove it on purpose, restart the service "
        + "(a start loads any config) or set --allow-domain-removal (ALLOW_DOMAIN_REMOVAL=true)";
    assertEquals(List.of("loaded 5", "rejected " + reason, "removal refused [maps]"), events);
    ILoggingEvent line = log.list.get(log.list.size() - 1);
    assertEquals(Level.WARN, line.getLevel());
    assertEquals("limits config rejected; the last good config stays in force: " + reason,
        line.getFormattedMessage());

    assertFalse(reloader.reloadIfChanged(), "the same files are not refused again");
    assertEquals(3, events.size());
    Files.writeString(dir.resolve("geocode.yaml"), geocode("minute", 9));
    assertFalse(reloader.reloadIfChanged(), "other changes wait until the domain is back");
    Files.writeString(dir.resolve("maps.yaml"), maps(4));
    assertTrue(reloader.reloadIfChanged(), "with the domain back, the change goes into force");
    assertEquals(9, limitOf(reloader.current()));
  }

  @Test
  void withRemovalAllowedADroppedDomainGoesAsEnvoyproxyRatelimitDropsIt() throws Exception {
    Files.writeString(dir.resolve("geocode.yaml"), geocode("minute", 5));
    Files.writeString(dir.resolve("maps.yaml"), maps(3));
    reloader = ConfigReloader.start(dir, NO_POLLING, Duration.ofHours(1), recorder, false, true);
    Files.delete(dir.resolve("maps.yaml"));
    assertTrue(reloader.reloadIfChanged());
    assertEquals(java.util.Set.of("geocode"), reloader.current().domains());
  }

  @Test
  void anInvalidFirstConfigFailsTheStart() throws Exception {
    Files.writeString(dir.resolve("geocode.yaml"), geocode("fortnight", 5));
    assertThrows(ConfigException.class, () -> ConfigReloader.start(dir, NO_POLLING, DEBOUNCE, recorder));
    assertEquals(1, events.size());
    assertTrue(events.get(0).startsWith("rejected geocode.yaml: descriptors[0].rate_limit.unit"), events.get(0));
  }

  /**
   * The layout the kubelet writes for a ConfigMap volume, and its update: a new timestamped
   * directory, a {@code ..data_tmp} symlink to it renamed over {@code ..data}, the old directory
   * removed. The user-visible files are symlinks through {@code ..data} and never change themselves.
   */
  @Test
  void aConfigMapSymlinkSwapIsPickedUpFromDirectoryEventsAlone() throws Exception {
    writeConfigMapVersion("..2026_11_22_10_00_00.000000001", geocode("minute", 5));
    Files.createSymbolicLink(dir.resolve("..data"), Path.of("..2026_11_22_10_00_00.000000001"));
    Files.createSymbolicLink(dir.resolve("geocode.yaml"), Path.of("..data/geocode.yaml"));
    reloader = ConfigReloader.start(dir, NO_POLLING, DEBOUNCE, recorder);
    assertEquals(5, limitOf(reloader.current()));

    writeConfigMapVersion("..2026_11_22_10_05_00.000000002", geocode("minute", 8));
    Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..2026_11_22_10_05_00.000000002"));
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    deleteTree(dir.resolve("..2026_11_22_10_00_00.000000001"));

    assertTrue(Eventually.within(Duration.ofSeconds(10), () -> limitOf(reloader.current()) == 8),
        "the swap was not noticed; events: " + events);
    assertEquals(List.of("loaded 5", "loaded 8"), events);
  }

  @Test
  void pollingFindsAChangeOnItsOwn() throws Exception {
    Path file = dir.resolve("geocode.yaml");
    Files.writeString(file, geocode("minute", 5));
    reloader = ConfigReloader.start(file, Duration.ofMillis(100), Duration.ofHours(1), recorder);
    Files.writeString(file, geocode("hour", 6));
    assertTrue(Eventually.within(Duration.ofSeconds(10), () -> limitOf(reloader.current()) == 6), events.toString());
  }

  private void writeConfigMapVersion(String name, String yaml) throws IOException {
    Path version = Files.createDirectory(dir.resolve(name));
    Files.writeString(version.resolve("geocode.yaml"), yaml);
  }

  private static void deleteTree(Path path) throws IOException {
    try (var files = Files.walk(path)) {
      for (Path each : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(each);
      }
    }
  }
}
