package io.egressratelimit.loadgen.upstream;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.egressratelimit.loadgen.traffic.LatLng;
import java.util.Locale;

/**
 * Reverse-geocoding answers shaped like the Geocoding API's: {@code results} with address
 * components, geometry and a place id, and a {@code status}. The address is made up but stable for a
 * coordinate, so a response cache in front of the stub behaves as it would with the real API.
 */
final class GeocodeResponses {
  private GeocodeResponses() {}

  static String found(LatLng at) {
    int seed = Double.hashCode(at.lat()) * 31 + Double.hashCode(at.lng());
    int number = 1 + Math.floorMod(seed, 9_899);
    String postal = String.format(Locale.ROOT, "%05d", Math.floorMod(seed * 7 + 11, 100_000));
    String street = STREETS[Math.floorMod(seed, STREETS.length)];
    JsonArray components = new JsonArray();
    components.add(component(Integer.toString(number), Integer.toString(number), "street_number"));
    components.add(component(street + " Street", street + " St", "route"));
    components.add(component("Stubville", "Stubville", "locality", "political"));
    components.add(component("Stub County", "Stub County", "administrative_area_level_2", "political"));
    components.add(component("Stub Country", "SC", "country", "political"));
    components.add(component(postal, postal, "postal_code"));

    JsonObject geometry = new JsonObject();
    geometry.add("location", point(at.lat(), at.lng()));
    geometry.addProperty("location_type", "ROOFTOP");
    JsonObject viewport = new JsonObject();
    viewport.add("northeast", point(Math.min(at.lat() + 0.0013, 90), Math.min(at.lng() + 0.0013, 180)));
    viewport.add("southwest", point(Math.max(at.lat() - 0.0013, -90), Math.max(at.lng() - 0.0013, -180)));
    geometry.add("viewport", viewport);

    JsonObject result = new JsonObject();
    result.add("address_components", components);
    result.addProperty(
        "formatted_address", number + " " + street + " Street, Stubville " + postal + ", Stub Country");
    result.add("geometry", geometry);
    result.addProperty("place_id", String.format(Locale.ROOT, "stub-%08x", seed));
    result.add("types", strings("street_address"));

    JsonArray results = new JsonArray();
    results.add(result);
    JsonObject body = new JsonObject();
    body.add("results", results);
    body.addProperty("status", "OK");
    return body.toString();
  }

  static String invalidLatLng() {
    return failure("INVALID_REQUEST", "Invalid request: 'latlng' must be 'latitude,longitude' within range.");
  }

  static String missingKey() {
    return failure("REQUEST_DENIED", "The request has no API key; pass one in the 'key' parameter.");
  }

  private static String failure(String status, String message) {
    JsonObject body = new JsonObject();
    body.addProperty("error_message", message);
    body.add("results", new JsonArray());
    body.addProperty("status", status);
    return body.toString();
  }

  private static JsonObject component(String longName, String shortName, String... types) {
    JsonObject c = new JsonObject();
    c.addProperty("long_name", longName);
    c.addProperty("short_name", shortName);
    c.add("types", strings(types));
    return c;
  }

  private static JsonObject point(double lat, double lng) {
    JsonObject p = new JsonObject();
    p.addProperty("lat", lat);
    p.addProperty("lng", lng);
    return p;
  }

  private static JsonArray strings(String... values) {
    JsonArray array = new JsonArray();
    for (String v : values) {
      array.add(v);
    }
    return array;
  }

  private static final String[] STREETS = {"Market", "Mission", "Montgomery", "Pine", "Oak", "Cedar", "Lake", "Hill"};
}
