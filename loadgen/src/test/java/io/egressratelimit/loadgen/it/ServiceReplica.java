package io.egressratelimit.loadgen.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One rate limit service process, started from its jar as a user would start it. */
final class ServiceReplica implements AutoCloseable {
  /** Set by the build (failsafe) to the service module's packaged jar. */
  private static final String JAR_PROPERTY = "ratelimit.service.jar";

  private final ChildProcess process;
  private final int grpcPort;

  private ServiceReplica(ChildProcess process, int grpcPort) {
    this.process = process;
    this.grpcPort = grpcPort;
  }

  static ServiceReplica start(String name, Path config, String redisUrl, Path logDir)
      throws IOException, InterruptedException {
    return start(name, config, logDir, List.of(), "--redis-url", redisUrl);
  }

  /**
   * @param jvmFlags flags of the service's JVM
   * @param flags the service's flags beyond where its config is and which ports it listens on
   */
  static ServiceReplica start(String name, Path config, Path logDir, List<String> jvmFlags, String... flags)
      throws IOException, InterruptedException {
    int grpcPort = ChildProcess.freePort();
    int httpPort = ChildProcess.freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar().toString(), "--config", config.toString(),
        "--host", "127.0.0.1", "--grpc-port", Integer.toString(grpcPort), "--http-port", Integer.toString(httpPort)));
    command.addAll(List.of(flags));
    ChildProcess process = ChildProcess.start(name, command, logDir);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI health = URI.create("http://127.0.0.1:" + httpPort + "/healthcheck");
    process.awaitReady(() -> healthy(http, health));
    return new ServiceReplica(process, grpcPort);
  }

  String grpcTarget() {
    return "127.0.0.1:" + grpcPort;
  }

  private static Path jar() {
    String configured = System.getProperty(JAR_PROPERTY);
    if (configured == null) {
      throw new IllegalStateException(JAR_PROPERTY + " is not set: run this test through Maven (mvn verify)");
    }
    Path jar = Path.of(configured);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " does not exist: build the service first (mvn -B -DskipTests -pl ratelimit-service package),"
              + " or run the whole build (mvn verify), which packages it before this test");
    }
    return jar;
  }

  private static boolean healthy(HttpClient http, URI health) {
    try {
      return http.send(HttpRequest.newBuilder(health).GET().build(), HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
