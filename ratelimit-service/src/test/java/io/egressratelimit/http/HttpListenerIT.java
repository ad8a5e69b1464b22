package io.egressratelimit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The HTTP listener behind the admin port, over real sockets, against clients that misbehave. */
class HttpListenerIT {
  private static final Routes ROUTES = new Routes(Map.of(
      "/healthcheck", Routes.immediate(request -> Response.text(200, "OK\n")),
      "/slow", Routes.onWorker(request -> CompletableFuture.supplyAsync(() -> Response.text(200, "slow\n"),
          CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS))),
      "/echo", Routes.onWorker(request -> CompletableFuture.completedFuture(
          Response.text(200, request.body().length + " bytes\n")))), "not found\n");

  private static HttpListener listener(Duration requestTimeout) throws IOException {
    return HttpListener.start(new InetSocketAddress("127.0.0.1", 0), "test-http", ROUTES,
        new HttpListener.Limits(1024, requestTimeout, Duration.ofSeconds(60), 64 * 1024, 2, 64));
  }

  @Test
  void slowClientsHoldingConnectionsDoNotDelayAnotherClientsKeepAliveHealthchecks() throws Exception {
    try (HttpListener server = listener(Duration.ofSeconds(30))) {
      List<Socket> slow = new ArrayList<>();
      try {
        // Each sends the first bytes of a request and then nothing: before, two of these froze the port.
        for (int i = 0; i < 200; i++) {
          Socket socket = new Socket("127.0.0.1", server.port());
          socket.getOutputStream().write("GET /healthch".getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          slow.add(socket);
        }
        try (Socket client = new Socket("127.0.0.1", server.port())) {
          client.setSoTimeout(5000);
          for (int i = 0; i < 50; i++) {
            send(client, "GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n");
            String response = readResponse(client.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
            assertTrue(response.endsWith("\r\n\r\nOK\n"), response);
          }
        }
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }
    }
  }

  @Test
  void aRequestThatDoesNotArriveWholeInTimeIsCutOff() throws Exception {
    try (HttpListener server = listener(Duration.ofMillis(500));
        Socket trickle = new Socket("127.0.0.1", server.port())) {
      trickle.setSoTimeout(5000);
      long started = System.nanoTime();
      OutputStream out = trickle.getOutputStream();
      int read = 0;
      try {
        for (int i = 0; i < 20 && read != -1; i++) {
          out.write('G'); // one byte every 200 ms keeps the connection busy but never makes a request
          out.flush();
          Thread.sleep(200);
          if (trickle.getInputStream().available() > 0) {
            read = drain(trickle.getInputStream());
          }
        }
        read = drain(trickle.getInputStream());
      } catch (IOException closed) {
        read = -1;
      }
      assertEquals(-1, read, "the server closed the connection");
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(4).toNanos(), "cut off before the client gave up");
    }
  }

  @Test
  void aBodyOverTheLimitIsAnswered413AndTheClientReadsItWithoutAReset() throws Exception {
    try (HttpListener server = listener(Duration.ofSeconds(30));
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(10_000);
      int size = 10 * 1024 * 1024;
      send(client, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + size
          + "\r\n\r\n");
      // Keep sending the body as a client does that does not read until it is done sending; the
      // server drops the rest and must not reset the connection under it.
      byte[] chunk = new byte[64 * 1024];
      OutputStream out = client.getOutputStream();
      int sent = 0;
      try {
        while (sent < size) {
          out.write(chunk);
          sent += chunk.length;
        }
        out.flush();
      } catch (IOException stoppedReading) {
        // the server may have stopped reading once it was done; the answer must still be readable
      }
      String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 413 "), response);
      assertTrue(response.endsWith("the request body is larger than 65536 bytes\n"), response);
    }
  }

  @Test
  void aSmallBodyIsReadWholeAndPipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (HttpListener server = listener(Duration.ofSeconds(30));
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(5000);
      // The slow answer comes first and must be written first, although the next is ready sooner.
      send(client, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
          + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
          + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
      InputStream in = client.getInputStream();
      assertTrue(readResponse(in).endsWith("slow\n"));
      assertTrue(readResponse(in).endsWith("5 bytes\n"));
      String notFound = readResponse(in);
      assertTrue(notFound.startsWith("HTTP/1.1 404 ") && notFound.endsWith("not found\n"), notFound);
    }
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  /** Reads one response with a content-length, headers and body. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int length = Integer.parseInt(headers.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
    return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static int drain(InputStream in) throws IOException {
    try {
      int last;
      do {
        last = in.read();
      } while (last >= 0);
      return last;
    } catch (SocketTimeoutException stillOpen) {
      return 0;
    }
  }
}
