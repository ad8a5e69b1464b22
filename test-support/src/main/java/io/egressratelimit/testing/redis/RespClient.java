package io.egressratelimit.testing.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Redis client for fixtures and assertions, kept apart from Lettuce so that what a test
 * checks does not go through the code it tests. One connection per call: fixtures call rarely.
 */
public final class RespClient {
  private RespClient() {}

  /** An error reply, e.g. {@code NOAUTH Authentication required.} */
  public static final class RedisError extends RuntimeException {
    RedisError(String message) {
      super(message);
    }
  }

  /** Sends one command to 127.0.0.1:{@code port}; replies are String, Long, null or List. */
  public static Object call(int port, String... args) {
    return callAs(port, null, null, args);
  }

  /** The same, authenticated first; {@code user} may be null for the default user. */
  public static Object callAs(int port, String user, String password, String... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password != null) {
        write(out, user == null ? new String[] {"AUTH", password} : new String[] {"AUTH", user, password});
        read(in);
      }
      write(out, args);
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("redis on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** A String reply, or the text of an error reply prefixed with {@code -}; IO failures too. */
  public static String text(int port, String... args) {
    try {
      return String.valueOf(call(port, args));
    } catch (RedisError e) {
      return "-" + e.getMessage();
    } catch (UncheckedIOException e) {
      return "-" + e.getMessage();
    }
  }

  /** One field of an {@code INFO} section, e.g. {@code info(port, "replication", "role")}. */
  public static String info(int port, String section, String field) {
    for (String line : String.valueOf(call(port, "INFO", section)).split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1);
      }
    }
    return "";
  }

  private static void write(OutputStream out, String[] args) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    buffer.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      buffer.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      buffer.write(bytes);
      buffer.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.write(buffer.toByteArray());
    out.flush();
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RedisError(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          try {
            items.add(read(in));
          } catch (RedisError e) {
            items.add(e);
          }
        }
        return items;
      }
      default:
        throw new IOException("unexpected reply type " + (char) type);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\r') {
        in.read(); // '\n'
        break;
      }
      buffer.write(b);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
