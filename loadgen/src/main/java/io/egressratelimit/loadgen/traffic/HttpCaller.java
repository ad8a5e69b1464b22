package io.egressratelimit.loadgen.traffic;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One Geocoding API request per call: {@code GET /maps/api/geocode/json?latlng=..&key=..} at a base
 * URL (Envoy in http mode, the upstream in rls mode).
 *
 * <p>The request URI carries the key, so it is never put into a message: a failure is reported by
 * its exception type only.
 */
public final class HttpCaller implements Caller {
  public static final String GEOCODE_PATH = "/maps/api/geocode/json";

  private final HttpClient client;
  private final URI base;
  private final Optional<ApiKey> apiKey;
  private final Duration timeout;
  private final Clock clock;
  private final String path;

  public HttpCaller(HttpClient client, URI base, Optional<ApiKey> apiKey, Duration timeout, Clock clock) {
    this(client, base, apiKey, timeout, clock, GEOCODE_PATH);
  }

  /** @param path the API path called under {@code base}, e.g. {@code /v1/chat/completions} for a usage-priced route */
  public HttpCaller(HttpClient client, URI base, Optional<ApiKey> apiKey, Duration timeout, Clock clock, String path) {
    this.path = Objects.requireNonNull(path, "path");
    this.client = Objects.requireNonNull(client, "client");
    this.base = Objects.requireNonNull(base, "base");
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The client every part of one run shares, so connections to the same host are reused. */
  public static HttpClient newClient(Duration connectTimeout) {
    // HTTP/1.1: the default would try an h2c upgrade on every plain-text connection
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public CallResult call(LatLng latLng) {
    HttpRequest request = HttpRequest.newBuilder(uriFor(latLng)).timeout(timeout).GET().build();
    long start = System.nanoTime();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      long latency = System.nanoTime() - start;
      int status = response.statusCode();
      Optional<Duration> hint =
          status == 429 || status == 503
              ? RetryHints.fromHeaders(name -> response.headers().firstValue(name), clock.instant())
              : Optional.empty();
      return new CallResult(outcomeOf(status), latency, hint, false);
    } catch (IOException e) {
      return CallResult.of(Outcome.FAILED, System.nanoTime() - start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CallResult.of(Outcome.FAILED, System.nanoTime() - start);
    }
  }

  URI uriFor(LatLng latLng) {
    StringBuilder query = new StringBuilder("latlng=").append(latLng);
    apiKey.ifPresent(k -> query.append("&key=").append(URLEncoder.encode(k.reveal(), StandardCharsets.UTF_8)));
    String prefix = base.getRawPath() == null ? "" : stripTrailingSlash(base.getRawPath());
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + prefix + path + "?" + query);
  }

  static Outcome outcomeOf(int status) {
    if (status >= 200 && status < 300) {
      return Outcome.ADMITTED;
    }
    if (status == 429) {
      return Outcome.REJECTED;
    }
    if (status >= 500) {
      return Outcome.SERVER_ERROR;
    }
    return Outcome.OTHER_STATUS;
  }

  private static String stripTrailingSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
