package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.output.Durations;
import io.egressratelimit.loadgen.rls.DescriptorSpec;
import io.egressratelimit.loadgen.rls.RlsTarget;
import io.egressratelimit.loadgen.traffic.LatLng;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Turns option text into values; picocli prefixes each message with the option's name. */
final class Converters {
  private Converters() {}

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class LatLngConverter implements ITypeConverter<LatLng> {
    @Override
    public LatLng convert(String value) {
      return LatLng.parse(value)
          .orElseThrow(() -> new TypeConversionException(
              "'" + value + "' is not LAT,LNG within ±90,±180, e.g. 37.789980,-122.400860"));
    }
  }

  static final class RlsTargetConverter implements ITypeConverter<RlsTarget> {
    @Override
    public RlsTarget convert(String value) {
      try {
        return RlsTarget.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class DescriptorConverter implements ITypeConverter<RateLimitDescriptor> {
    @Override
    public RateLimitDescriptor convert(String value) {
      try {
        return DescriptorSpec.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
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
