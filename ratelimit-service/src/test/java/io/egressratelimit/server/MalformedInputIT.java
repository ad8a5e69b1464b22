package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.ServiceProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real service process fed what a broken or hostile client sends, over gRPC and /json: each gets
 * a clear answer, and the service's log gets at most one line per kind, never a stack trace.
 */
class MalformedInputIT {
  /** ShouldRateLimit{domain "t", descriptors [{entries [{key "user", value 0xff 0xfe}]}]}: the value is not UTF-8. */
  private static final byte[] INVALID_UTF8 =
      {0x0a, 0x01, 't', 0x12, 0x0c, 0x0a, 0x0a, 0x0a, 0x04, 'u', 's', 'e', 'r', 0x12, 0x02, (byte) 0xff, (byte) 0xfe};
  /** RateLimitQuotaUsageReports{domain 0xc3 0x28}: an invalid two-byte sequence. */
  private static final byte[] INVALID_UTF8_REPORTS = {0x0a, 0x02, (byte) 0xc3, 0x28};
  private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(");

  @TempDir
  Path logs;

  private ServiceProcess start() throws Exception {
    Path config = Path.of(MalformedInputIT.class.getResource("/server/geocode.yaml").toURI());
    return ServiceProcess.onFreePorts("malformed", logs, Map.of(), "--config", config.toString());
  }

  private static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
    MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    };
    return method.toBuilder(bytes, bytes).build();
  }

  private static long count(String text, String needle) {
    return text.lines().filter(line -> line.contains(needle)).count();
  }

  @Test
  void invalidUtf8OverGrpcIsInvalidArgumentNamingTheFieldAndLoggedOnce() throws Exception {
    try (ServiceProcess service = start()) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(service.grpcTarget()).usePlaintext().build();
      try {
        MethodDescriptor<byte[], byte[]> shouldRateLimit = raw(RateLimitServiceGrpc.getShouldRateLimitMethod());
        for (int i = 0; i < 300; i++) {
          StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(channel, shouldRateLimit,
                  CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), INVALID_UTF8));
          assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
          assertEquals("descriptors[0].entries[0].value is not valid UTF-8; every string of a RateLimitRequest "
              + "must be", refused.getStatus().getDescription());
        }

        // The RLQS stream: the same answer, and the stream ends there.
        ClientCall<byte[], byte[]> stream = channel.newCall(
            raw(RateLimitQuotaServiceGrpc.getStreamRateLimitQuotasMethod()), CallOptions.DEFAULT);
        CompletableFuture<Status> closed = new CompletableFuture<>();
        stream.start(new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        }, new Metadata());
        stream.request(1);
        stream.sendMessage(INVALID_UTF8_REPORTS);
        Status status = closed.get(10, TimeUnit.SECONDS);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertEquals("domain is not valid UTF-8; every string of a RateLimitQuotaUsageReports must be",
            status.getDescription());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertTrue(Eventually.within(Duration.ofSeconds(5),
          () -> count(service.output(), "a malformed StreamRateLimitQuotas request") == 1), service.output());
      String log = service.output();
      assertEquals(1, count(log, "a malformed ShouldRateLimit request was answered INVALID_ARGUMENT: "
          + "descriptors[0].entries[0].value is not valid UTF-8"), log);
      assertFalse(STACK_FRAME.matcher(log).find(), log);
      assertFalse(log.contains("Application error processing RPC"), log);
    }
  }

  @Test
  void invalidUtf8LoneSurrogatesAndHugeHitsAddendsOnJsonAre400NamingTheField() throws Exception {
    try (ServiceProcess service = start()) {
      int port = service.httpPort();
      byte[] notUtf8 = "{\"domain\":\"geocode\",\"descriptors\":[{\"entries\":[{\"key\":\"generic_key\",\"value\":\"\u00ff\"}]}]}"
          .getBytes(StandardCharsets.ISO_8859_1);
      HttpResponse<String> invalid = post(port, notUtf8);
      assertEquals(400, invalid.statusCode());
      assertEquals("invalid RateLimitRequest JSON: the body is not valid UTF-8 at byte 77\n", invalid.body());

      HttpResponse<String> surrogate = Http.post(port, "/json",
          "{\"domain\":\"geocode\",\"descriptors\":[{\"entries\":[{\"key\":\"generic_key\",\"value\":\"\\ud800\"}]}]}");
      assertEquals(400, surrogate.statusCode());
      assertEquals("invalid request: descriptors[0].entries[0].value is not valid UTF-8: a lone surrogate at "
          + "character 0\n", surrogate.body());

      HttpResponse<String> huge = Http.post(port, "/json", "{\"domain\":\"geocode\",\"descriptors\":[{\"entries\":"
          + "[{\"key\":\"generic_key\",\"value\":\"geocode\"}],\"hitsAddend\":\"18446744073709551615\"}]}");
      assertEquals(400, huge.statusCode());
      assertEquals("invalid request: descriptors[0].hits_addend is too large: 18446744073709551615 (at most "
          + "9223372036854775807)\n", huge.body());

      assertFalse(STACK_FRAME.matcher(service.output()).find(), service.output());
    }
  }

  @Test
  void streamsResetByTheThousandAndAnOversizedMessageLeaveOneLineEachWithoutAStackTrace() throws Exception {
    try (ServiceProcess service = start()) {
      // One connection opens 3,000 calls at once and closes without reading an answer.
      byte[] request = frame(new byte[] {0x0a, 0x07, 'g', 'e', 'o', 'c', 'o', 'd', 'e', 0x12, 0x18, 0x0a, 0x16, 0x0a,
          0x0b, 'g', 'e', 'n', 'e', 'r', 'i', 'c', '_', 'k', 'e', 'y', 0x12, 0x07, 'g', 'e', 'o', 'c', 'o', 'd', 'e'});
      try (Socket socket = new Socket("127.0.0.1", service.grpcPort())) {
        OutputStream out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(h2Frame(4, 0, 0, new byte[0]));
        for (int i = 0; i < 3000; i++) {
          out.write(h2Frame(1, 4, 1 + 2 * i, headers()));
          out.write(h2Frame(0, 1, 1 + 2 * i, request));
        }
        out.flush();
      }

      // A 5 MiB message, over the 4 MiB gRPC allows.
      ManagedChannel channel = NettyChannelBuilder.forTarget(service.grpcTarget()).usePlaintext()
          .maxInboundMessageSize(64 << 20).build();
      try {
        byte[] big = new byte[5 << 20];
        big[0] = 0x0a;
        ByteBuffer.wrap(big, 1, 4).put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0xc0, 0x02});
        StatusRuntimeException tooBig = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, raw(RateLimitServiceGrpc.getShouldRateLimitMethod()),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), big));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooBig.getStatus().getCode());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertTrue(Eventually.within(Duration.ofSeconds(5),
          () -> count(service.output(), "RESOURCE_EXHAUSTED") >= 1), service.output());
      Thread.sleep(1000); // what the closed connection's calls leave in the log has been written by now
      String log = service.output();
      assertTrue(log.lines().count() < 30, "a few lines, not thousands: " + log.lines().count() + "\n" + log);
      assertEquals(1, count(log, "RESOURCE_EXHAUSTED"), log);
      assertFalse(STACK_FRAME.matcher(log).find(), log);
      assertEquals(200, Http.status(service.httpPort(), "/healthcheck"), "still serving");
    }
  }

  private static HttpResponse<String> post(int port, byte[] body) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/json"))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] frame(byte[] message) {
    return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
  }

  private static byte[] h2Frame(int type, int flags, int stream, byte[] payload) {
    return ByteBuffer.allocate(9 + payload.length).put((byte) (payload.length >>> 16))
        .put((byte) (payload.length >>> 8)).put((byte) payload.length).put((byte) type).put((byte) flags)
        .putInt(stream).put(payload).array();
  }

  /** The request headers of a gRPC call, as HPACK literals without indexing. */
  private static byte[] headers() {
    StringBuilder block = new StringBuilder();
    String[][] fields = {{":method", "POST"}, {":scheme", "http"}, {":authority", "x"},
        {":path", "/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit"},
        {"content-type", "application/grpc"}, {"te", "trailers"}};
    for (String[] field : fields) {
      block.append((char) 0).append((char) field[0].length()).append(field[0])
          .append((char) field[1].length()).append(field[1]);
    }
    return block.toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}
