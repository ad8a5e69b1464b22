package io.egressratelimit.testing.envoy;

import io.egressratelimit.testing.ChildProcess;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A real Envoy (the pinned binary, {@link EnvoyBinary}) running a shipped config with its ports
 * replaced ({@link LocalEnvoyConfig}): one worker thread, its own {@code --base-id} so several run
 * side by side, its output in {@code LOG_DIR/NAME.log} and the config it ran in
 * {@code LOG_DIR/NAME.yaml}. {@link #start} returns once {@code /ready} answers.
 */
public final class EnvoyProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int START_ATTEMPTS = 3;

  private final ChildProcess process;
  private final LocalEnvoyConfig config;

  private EnvoyProcess(ChildProcess process, LocalEnvoyConfig config) {
    this.process = process;
    this.config = config;
  }

  /** @param shipped e.g. envoy-config/envoy-local.yaml */
  public static Builder from(Path shipped) {
    return new Builder(shipped);
  }

  /** The port a listener of the shipped config now listens on, by its name (e.g. {@code egress}). */
  public int port(String listener) {
    Integer port = config.listenerPorts().get(listener);
    if (port == null) {
      throw new IllegalArgumentException("no listener '" + listener + "'; there are " + config.listenerPorts().keySet());
    }
    return port;
  }

  /** {@code http://127.0.0.1:PORT} of a listener. */
  public String url(String listener) {
    return "http://127.0.0.1:" + port(listener);
  }

  public int adminPort() {
    return config.adminPort();
  }

  /** Every counter and gauge, from {@code /stats?format=json}. */
  public EnvoyStats stats() {
    return EnvoyStats.parse(Http.get(adminPort(), "/stats?format=json").body());
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String output() {
    return process.output();
  }

  /** SIGKILL: the Envoy is gone at once, its connections reset, as when its node dies. */
  public void kill() {
    process.close();
  }

  @Override
  public void close() {
    process.terminate();
    try {
      process.awaitExit(Duration.ofSeconds(10));
    } catch (IllegalStateException stillRunning) {
      // close() below kills it
    }
    process.close();
  }

  /** How to start one Envoy. */
  public static final class Builder {
    private final Path shipped;
    private final Map<String, List<Integer>> clusterPorts = new LinkedHashMap<>();
    private Consumer<Map<String, Object>> edit = tree -> {};
    private String name = "envoy";
    private Path logDir = Path.of("target", "it-logs");
    private String logLevel = "warn";

    private Builder(Path shipped) {
      this.shipped = shipped;
    }

    /** Points a cluster of the config at these ports on 127.0.0.1 (one endpoint each). */
    public Builder cluster(String cluster, int... ports) {
      List<Integer> list = new ArrayList<>();
      for (int port : ports) {
        list.add(port);
      }
      clusterPorts.put(cluster, list);
      return this;
    }

    /** Changes the parsed config before the ports are replaced: a route or a field only this test needs. */
    public Builder edit(Consumer<Map<String, Object>> change) {
      this.edit = this.edit.andThen(change);
      return this;
    }

    public Builder name(String processName) {
      this.name = processName;
      return this;
    }

    public Builder logDir(Path dir) {
      this.logDir = dir;
      return this;
    }

    public Builder logLevel(String level) {
      this.logLevel = level;
      return this;
    }

    public EnvoyProcess start() {
      Path binary = EnvoyBinary.require();
      createLogDir();
      IllegalStateException last = null;
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        LocalEnvoyConfig config = LocalEnvoyConfig.of(shipped, clusterPorts, edit, FreePort::find);
        Path file = config.writeTo(logDir.resolve(name + ".yaml"));
        ChildProcess process = ChildProcess.start(name, command(binary, file, config.adminPort()), Optional.empty(),
            logDir.resolve(name + ".log"));
        try {
          process.awaitReady("ready", START_TIMEOUT, () -> Http.status(config.adminPort(), "/ready") == 200);
          return new EnvoyProcess(process, config);
        } catch (IllegalStateException e) {
          process.close();
          last = e;
          // Another process can take a free port before Envoy binds it: draw new ports and retry.
          if (!e.getMessage().contains("Address already in use")) {
            throw e;
          }
        }
      }
      throw last;
    }

    private List<String> command(Path binary, Path file, int adminPort) {
      // The admin port is free and held by this Envoy alone, so it makes a base id no other running Envoy has.
      return List.of(binary.toString(), "-c", file.toString(), "--base-id", String.valueOf(adminPort),
          "--concurrency", "1", "--log-level", logLevel);
    }

    private void createLogDir() {
      try {
        Files.createDirectories(logDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
