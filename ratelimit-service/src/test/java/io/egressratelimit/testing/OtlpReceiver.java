package io.egressratelimit.testing;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real OTLP collector for tests: OTLP/HTTP ({@code POST /v1/traces}, protobuf) and OTLP/gRPC
 * ({@code TraceService/Export}) on 127.0.0.1, decoding every export request it receives.
 */
public final class OtlpReceiver implements AutoCloseable {
  /** One received span with its resource. */
  public record ReceivedSpan(Span span, Map<String, String> resource) {
    public String traceId() {
      return HexFormat.of().formatHex(span.getTraceId().toByteArray());
    }

    public String spanId() {
      return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }

    public String parentSpanId() {
      return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
    }

    public String name() {
      return span.getName();
    }

    /** Attribute values as text, whatever their type. */
    public Map<String, String> attributes() {
      return text(span.getAttributesList());
    }
  }

  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final HttpServer http;
  private final Server grpc;

  private OtlpReceiver() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/v1/traces", exchange -> {
      try (exchange; InputStream body = exchange.getRequestBody()) {
        add(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
        byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
        exchange.getResponseBody().write(answer);
      }
    });
    grpc = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> responses) {
            add(request);
            responses.onNext(ExportTraceServiceResponse.getDefaultInstance());
            responses.onCompleted();
          }
        })
        .build();
  }

  public static OtlpReceiver start() {
    try {
      OtlpReceiver receiver = new OtlpReceiver();
      receiver.http.start();
      receiver.grpc.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void add(ExportTraceServiceRequest request) {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Map<String, String> resource = text(resourceSpans.getResource().getAttributesList());
      for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          spans.add(new ReceivedSpan(span, resource));
        }
      }
    }
  }

  private static Map<String, String> text(List<KeyValue> attributes) {
    Map<String, String> text = new LinkedHashMap<>();
    for (KeyValue attribute : attributes) {
      var value = attribute.getValue();
      text.put(attribute.getKey(), switch (value.getValueCase()) {
        case STRING_VALUE -> value.getStringValue();
        case INT_VALUE -> String.valueOf(value.getIntValue());
        case BOOL_VALUE -> String.valueOf(value.getBoolValue());
        case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
        default -> value.toString();
      });
    }
    return text;
  }

  public String httpEndpoint() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  public String grpcEndpoint() {
    return "http://127.0.0.1:" + grpc.getPort();
  }

  public List<ReceivedSpan> spans() {
    return new ArrayList<>(spans);
  }

  @Override
  public void close() {
    http.stop(0);
    grpc.shutdownNow();
    try {
      grpc.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
