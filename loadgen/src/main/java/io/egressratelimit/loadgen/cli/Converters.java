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
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Turns option text into values, one converter per type for every command, so an option states
 * only its type; picocli prefixes each message with the option's name.
 */
final class Converters {
  private Converters() {}

  static void registerAll(CommandLine cli) {
    cli.registerConverter(Duration.class, parsing(Durations::parse));
    cli.registerConverter(LatLng.class, parsing(Converters::latLng));
    cli.registerConverter(RlsTarget.class, parsing(RlsTarget::parse));
    cli.registerConverter(Workload.class, parsing(Converters::workload));
    cli.registerConverter(BucketId.class, parsing(BucketIdSpec::parse));
    cli.registerConverter(RateLimitDescriptor.class, parsing(DescriptorSpec::parse));
    cli.registerConverter(URI.class, Converters::baseUrl);
  }

  /** A parser whose IllegalArgumentException already says what is wrong in words. */
  private static <T> ITypeConverter<T> parsing(Function<String, T> parser) {
    return value -> {
      try {
        return parser.apply(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }

  private static LatLng latLng(String value) {
    return LatLng.parse(value)
        .orElseThrow(() -> new IllegalArgumentException(
            "'" + value + "' is not LAT,LNG within ±90,±180, e.g. 37.789980,-122.400860"));
  }

  private static Workload workload(String value) {
    for (Workload workload : Workload.values()) {
      if (workload.label().equals(value)) {
        return workload;
      }
    }
    throw new IllegalArgumentException("'" + value + "' is not a workload: use hot, keys10k, over, users or hotuser");
  }

  /**
   * An absolute http(s) URL without query or fragment: the base the request paths go under. The
   * text is never echoed back: someone may have pasted a URL with the API key in it.
   */
  private static URI baseUrl(String value) {
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
