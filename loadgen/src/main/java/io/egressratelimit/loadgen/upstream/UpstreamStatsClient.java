package io.egressratelimit.loadgen.upstream;

import io.egressratelimit.loadgen.units.Durations;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** Asks a stub upstream for its counts. */
public final class UpstreamStatsClient {
  private final HttpClient client;
  private final URI base;

  public UpstreamStatsClient(HttpClient client, URI base) {
    this.client = Objects.requireNonNull(client, "client");
    this.base = Objects.requireNonNull(base, "base");
  }

  /**
   * The stats, or empty when the upstream answers but is not a stub (a real API has no
   * {@code /stats}).
   *
   * @throws IOException when the upstream cannot be reached
   */
  public Optional<UpstreamStats> fetch(Duration window, Duration grace, long sinceEpochMillis)
      throws IOException {
    URI uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + "/stats?window="
        + Durations.format(window) + "&grace=" + Durations.format(grace) + "&since=" + sinceEpochMillis);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the upstream for its stats");
    }
    if (response.statusCode() != 200) {
      return Optional.empty();
    }
    try {
      return Optional.of(UpstreamStats.fromJson(response.body()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
