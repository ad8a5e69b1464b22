package io.egressratelimit.loadgen.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A real redis-server on 127.0.0.1, without persistence. No fake stands in when the binary is missing. */
final class RedisServer implements AutoCloseable {
  private final ChildProcess process;
  private final int port;

  private RedisServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  static RedisServer start(Path logDir) throws IOException, InterruptedException {
    int port = ChildProcess.freePort();
    ChildProcess process =
        ChildProcess.start(
            "redis",
            List.of(binary(), "--bind", "127.0.0.1", "--port", Integer.toString(port), "--save", "",
                "--appendonly", "no", "--dir", logDir.toString()),
            logDir);
    process.awaitReady(() -> pong(port));
    return new RedisServer(process, port);
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  private static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Path.of(dir, "redis-server").toFile().canExecute()) {
        return Path.of(dir, "redis-server").toString();
      }
    }
    throw new IllegalStateException(
        "redis-server is not installed; this test needs a real one: apt-get install -y redis-server"
            + " (./setup.sh test installs it)");
  }

  private static boolean pong(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(5);
      return "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
