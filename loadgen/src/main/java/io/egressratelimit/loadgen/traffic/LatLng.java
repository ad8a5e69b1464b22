package io.egressratelimit.loadgen.traffic;

import java.util.Locale;
import java.util.Optional;

/** A coordinate as the Geocoding API's {@code latlng} parameter spells it. */
public record LatLng(double lat, double lng) {
  public LatLng {
    if (!(lat >= -90 && lat <= 90) || !(lng >= -180 && lng <= 180)) {
      throw new IllegalArgumentException("latitude must be within ±90 and longitude within ±180");
    }
  }

  /** Parses {@code "37.789980,-122.400860"}; empty when it is not a valid coordinate. */
  public static Optional<LatLng> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.split(",", -1);
    if (parts.length != 2) {
      return Optional.empty();
    }
    try {
      double lat = Double.parseDouble(parts[0].trim());
      double lng = Double.parseDouble(parts[1].trim());
      if (!(lat >= -90 && lat <= 90) || !(lng >= -180 && lng <= 180)) {
        return Optional.empty();
      }
      return Optional.of(new LatLng(lat, lng));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.6f,%.6f", lat, lng);
  }
}
