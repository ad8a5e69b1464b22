package io.egressratelimit.testing.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * redis-server in a container on the host's network, so it listens on 127.0.0.1 exactly as a local
 * process would: Sentinel and Cluster then announce addresses the test can reach. Its directory is
 * mounted at the same path, so arguments naming files (configs, certificates) need no translation.
 */
final class RedisContainerNode extends LaunchedNode {
  private static final DockerImageName IMAGE = DockerImageName.parse("redis:7.0");
  private static final Path TEMP = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();

  private GenericContainer<?> container;

  private RedisContainerNode(int port, Path dir, List<String> args) {
    super(port, dir, args);
  }

  static RedisContainerNode start(int port, Path dir, List<String> args) {
    RedisContainerNode node = new RedisContainerNode(port, dir, args);
    node.launch();
    return node;
  }

  @Override
  public void kill() {
    if (container != null) {
      container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
      container.stop();
      container = null;
    }
  }

  @Override
  public void pause() {
    container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
  }

  @Override
  public void resume() {
    container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
  }

  @Override
  void launch() {
    List<String> command = new ArrayList<>();
    command.add("redis-server");
    command.addAll(args);
    GenericContainer<?> started = new GenericContainer<>(IMAGE)
        .withNetworkMode("host")
        .withFileSystemBind(TEMP.toString(), TEMP.toString(), BindMode.READ_WRITE)
        .withCommand(command.toArray(String[]::new))
        .withStartupTimeout(Duration.ofSeconds(60));
    started.start();
    container = started;
    RedisNodes.awaitPing(port, started::isRunning, dir);
  }
}
