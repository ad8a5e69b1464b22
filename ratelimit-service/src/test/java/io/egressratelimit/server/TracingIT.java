package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.OtlpReceiver;
import io.egressratelimit.testing.OtlpReceiver.ReceivedSpan;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real service process traces real gRPC calls that carry Envoy's trace headers and exports
 * them to a real OTLP receiver, over HTTP and over gRPC; the receiver decodes every export.
 */
class TracingIT {
  private static final String CALL_SPAN = "envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit";
  private static final String STORE_SPAN = "ratelimit.store.consume";
  private static final String W3C_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String W3C_PARENT = "00f067aa0ba902b7";
  private static final String B3_TRACE = "463ac35c9f6413ad48485a3953bb6124";
  private static final String B3_PARENT = "0020000000000001";
  private static final String B3_SINGLE_TRACE = "80f198ee56343ba864fe8b2a57d3eff7";
  private static final String B3_SINGLE_PARENT = "e457b5a2e4d86bd1";
  private static final String UNSAMPLED_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String OVER_TRACE = "11111111111111111111111111111111";

  @Test
  void overHttpTheCallAndItsStoreRoundTripContinueEnvoysTraceFromTraceparentAndB3() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Map<String, String> env = new HashMap<>();
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.httpEndpoint());
      env.put("TRACING_SERVICE_NAMESPACE", "egress");
      env.put("TRACING_SERVICE_INSTANCE_ID", "rls-0");
      List<ReceivedSpan> spans = traceCalls(env, receiver);

      ReceivedSpan call = only(spans, W3C_TRACE, CALL_SPAN);
      assertEquals(W3C_PARENT, call.parentSpanId(), "the call's span is a child of Envoy's");
      assertEquals(SpanKind.SPAN_KIND_SERVER, call.span().getKind());
      assertEquals("geocode", call.attributes().get("ratelimit.domain"));
      assertEquals("OK", call.attributes().get("ratelimit.decision"));
      assertEquals("grpc", call.attributes().get("rpc.system"));
      assertEquals("0", call.attributes().get("rpc.grpc.status_code"));
      ReceivedSpan store = only(spans, W3C_TRACE, STORE_SPAN);
      assertEquals(call.spanId(), store.parentSpanId(), "the round trip is a child of the call");
      assertEquals("geocode", store.attributes().get("ratelimit.domain"));
      assertEquals("in-memory", store.attributes().get("ratelimit.store"));
      assertEquals("1", store.attributes().get("ratelimit.batch.size"));
      assertEquals(Map.of("service.name", "RateLimit", "service.namespace", "egress", "service.instance.id", "rls-0"),
          subset(call.resource(), "service.name", "service.namespace", "service.instance.id"));

      ReceivedSpan b3Call = only(spans, B3_TRACE, CALL_SPAN);
      assertEquals(B3_PARENT, b3Call.parentSpanId(), "x-b3-* headers continue the trace");
      assertEquals(b3Call.spanId(), only(spans, B3_TRACE, STORE_SPAN).parentSpanId());
      ReceivedSpan b3SingleCall = only(spans, B3_SINGLE_TRACE, CALL_SPAN);
      assertEquals(B3_SINGLE_PARENT, b3SingleCall.parentSpanId(), "a single b3 header continues the trace");

      assertEquals(List.of(), ofTrace(spans, UNSAMPLED_TRACE), "a caller that did not sample is followed");
      assertEquals("OVER_LIMIT", only(spans, OVER_TRACE, CALL_SPAN).attributes().get("ratelimit.decision"));
    }
  }

  @Test
  void overGrpcWithNoNewTracesSampledOnlyTheCallersSampledTracesAreKept() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Map<String, String> env = new HashMap<>();
      env.put("TRACING_EXPORTER_PROTOCOL", "grpc");
      env.put("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.grpcEndpoint());
      env.put("TRACING_SAMPLING_RATE", "0");
      env.put("TRACING_SERVICE_NAME", "egress-ratelimit");
      List<ReceivedSpan> spans = traceCalls(env, receiver);

      ReceivedSpan call = only(spans, W3C_TRACE, CALL_SPAN);
      assertEquals(W3C_PARENT, call.parentSpanId());
      assertEquals("egress-ratelimit", call.resource().get("service.name"));
      assertEquals(call.spanId(), only(spans, W3C_TRACE, STORE_SPAN).parentSpanId());
      long untraced = spans.stream().filter(span -> !List.of(W3C_TRACE, B3_TRACE, B3_SINGLE_TRACE, OVER_TRACE)
          .contains(span.traceId())).count();
      assertEquals(0, untraced, "a call without trace headers starts no trace at sampling rate 0: " + spans);
    }
  }

  /** Six calls on a budget of 3 a minute, then SIGTERM, which sends the spans still buffered. */
  private static List<ReceivedSpan> traceCalls(Map<String, String> extraEnv, OtlpReceiver receiver) throws Exception {
    Path config = Path.of(TracingIT.class.getResource("/server/geocode.yaml").toURI());
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    Map<String, String> env = new HashMap<>(Map.of("CONFIG_PATH", config.toString(), "HOST", "127.0.0.1",
        "GRPC_PORT", String.valueOf(grpcPort), "PORT", String.valueOf(httpPort), "TRACING_ENABLED", "true",
        "DRAIN_DELAY", "0s"));
    env.putAll(extraEnv);
    try (ServiceProcess service = ServiceProcess.start(env)) {
      assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
      try (RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
        assertEquals(RateLimitResponse.Code.OK, ask(rls, "traceparent", "00-" + W3C_TRACE + "-" + W3C_PARENT + "-01"));
        assertEquals(RateLimitResponse.Code.OK, ask(rls, "x-b3-traceid", B3_TRACE, "x-b3-spanid", B3_PARENT,
            "x-b3-sampled", "1"));
        assertEquals(RateLimitResponse.Code.OK, ask(rls, "b3", B3_SINGLE_TRACE + "-" + B3_SINGLE_PARENT + "-1"));
        ask(rls, "traceparent", "00-" + UNSAMPLED_TRACE + "-" + W3C_PARENT + "-00");
        ask(rls);
        assertEquals(RateLimitResponse.Code.OVER_LIMIT,
            ask(rls, "traceparent", "00-" + OVER_TRACE + "-" + W3C_PARENT + "-01"));
      }
      service.terminate();
      assertEquals(0, service.awaitExit(Duration.ofSeconds(60)), service.output());
    }
    return receiver.spans();
  }

  private static RateLimitResponse.Code ask(RlsTestClient rls, String... headers) {
    Metadata metadata = new Metadata();
    for (int i = 0; i < headers.length; i += 2) {
      metadata.put(Metadata.Key.of(headers[i], Metadata.ASCII_STRING_MARSHALLER), headers[i + 1]);
    }
    return RateLimitServiceGrpc.newBlockingStub(rls.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .shouldRateLimit(RlsTestClient.request("geocode", RlsTestClient.descriptor("generic_key", "geocode")))
        .getOverallCode();
  }

  private static List<ReceivedSpan> ofTrace(List<ReceivedSpan> spans, String traceId) {
    return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, String traceId, String name) {
    List<ReceivedSpan> found = ofTrace(spans, traceId).stream().filter(span -> span.name().equals(name)).toList();
    assertEquals(1, found.size(), "one " + name + " span in trace " + traceId + " among " + spans);
    assertEquals(traceId, found.get(0).traceId());
    return found.get(0);
  }

  private static Map<String, String> subset(Map<String, String> map, String... keys) {
    Map<String, String> subset = new HashMap<>();
    for (String key : keys) {
      if (map.containsKey(key)) {
        subset.put(key, map.get(key));
      }
    }
    return subset;
  }
}
