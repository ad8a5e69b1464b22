package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.bench.Workload;
import io.egressratelimit.loadgen.rlqs.BucketIdSpec;
import io.egressratelimit.loadgen.rls.DescriptorSpec;
import io.egressratelimit.loadgen.rls.RlsTarget;
import io.egressratelimit.loadgen.traffic.LatLng;
import io.egressratelimit.loadgen.units.Durations;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Turns option text into values; picocli prefixes each message with the option's name. */
final class Converters {
  private Converters() {}

  /** A parser whose IllegalArgumentException already says what is wrong in words. */
  private abstract static class Parsing<T> implements ITypeConverter<T> {
    abstract T parse(String value);

    @Override
    public T convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class DurationConverter extends Parsing<Duration> {
    @Override
    Duration parse(String value) {
      return Durations.parse(value);
    }
  }

  static final class LatLngConverter extends Parsing<LatLng> {
    @Override
    LatLng parse(String value) {
      return LatLng.parse(value)
          .orElseThrow(() -> new IllegalArgumentException(
              "'" + value + "' is not LAT,LNG within ±90,±180, e.g. 37.789980,-122.400860"));
    }
  }

  static final class RlsTargetConverter extends Parsing<RlsTarget> {
    @Override
    RlsTarget parse(String value) {
      return RlsTarget.parse(value);
    }
  }

  static final class WorkloadConverter extends Parsing<Workload> {
    @Override
    Workload parse(String value) {
      for (Workload workload : Workload.values()) {
        if (workload.label().equals(value)) {
          return workload;
        }
      }
      throw new IllegalArgumentException("'" + value + "' is not a workload: use hot, keys10k or over");
    }
  }

  static final class BucketIdConverter extends Parsing<BucketId> {
    @Override
    BucketId parse(String value) {
      return BucketIdSpec.parse(value);
    }
  }

  static final class DescriptorConverter extends Parsing<RateLimitDescriptor> {
    @Override
    RateLimitDescriptor parse(String value) {
      return DescriptorSpec.parse(value);
    }
  }

  /**
   * An absolute http(s) URL without query or fragment: the base the request paths go under. The
   * text is never echoed back: someone may have pasted a URL with the API key in it.
   */
  static final class BaseUrlConverter implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      URI uri;
      try {
        uri = new URI(value);
      } catch (URISyntaxException e) {
        throw new TypeConversionException("not a URL");
      }
      boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      if (!web || uri.getRawAuthority() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new TypeConversionException(
            "not a base URL: use http(s)://HOST:PORT with no query, e.g. http://127.0.0.1:10000");
      }
      return uri;
    }
  }
}
