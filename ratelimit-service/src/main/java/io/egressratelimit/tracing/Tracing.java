package io.egressratelimit.tracing;

import io.egressratelimit.limiter.store.BucketStore;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK of the process, built only when tracing is on. When it is off nothing of
 * this exists: no interceptor, no store wrapper, no context, so decisions do no tracing work.
 */
public final class Tracing implements AutoCloseable {
  static final String INSTRUMENTATION = "io.egressratelimit.ratelimit-service";

  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private Tracing(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider.get(INSTRUMENTATION);
    // Envoy sends W3C traceparent or Zipkin's b3 headers (single or multi), whichever its tracer speaks.
    this.propagator = TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
        B3Propagator.injectingMultiHeaders());
  }

  public static Tracing start(TracingSettings settings) {
    AttributesBuilder resource = Attributes.builder().put(AttributeKey.stringKey("service.name"),
        settings.serviceName());
    settings.serviceNamespace().ifPresent(ns -> resource.put(AttributeKey.stringKey("service.namespace"), ns));
    settings.serviceInstanceId().ifPresent(id -> resource.put(AttributeKey.stringKey("service.instance.id"), id));
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(resource.build())))
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.samplingRate())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter(settings)).build())
        .build();
    return new Tracing(provider);
  }

  private static SpanExporter exporter(TracingSettings settings) {
    byte[] ca = settings.certificate().map(Tracing::read).orElse(null);
    String compression = settings.gzip() ? "gzip" : "none";
    if (settings.protocol() == TracingSettings.Protocol.GRPC) {
      OtlpGrpcSpanExporterBuilder grpc = OtlpGrpcSpanExporter.builder().setEndpoint(settings.endpoint())
          .setTimeout(settings.timeout()).setCompression(compression);
      settings.headers().forEach(grpc::addHeader);
      if (ca != null) {
        grpc.setTrustedCertificates(ca);
      }
      return grpc.build();
    }
    OtlpHttpSpanExporterBuilder http = OtlpHttpSpanExporter.builder().setEndpoint(settings.endpoint())
        .setTimeout(settings.timeout()).setCompression(compression);
    settings.headers().forEach(http::addHeader);
    if (ca != null) {
      http.setTrustedCertificates(ca);
    }
    return http.build();
  }

  private static byte[] read(java.nio.file.Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens the server span of each RateLimitService call, continuing the caller's trace. */
  public ServerInterceptor serverInterceptor() {
    return new ServerSpanInterceptor(tracer, propagator);
  }

  /** Wraps the backend so each round trip is a child span of the call's. */
  public BucketStore traced(BucketStore backend) {
    return new TracedBucketStore(backend, tracer);
  }

  /** Sends the spans still buffered, then stops. */
  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
