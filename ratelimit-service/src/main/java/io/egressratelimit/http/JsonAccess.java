package io.egressratelimit.http;

import java.net.InetAddress;
import java.util.Locale;

/**
 * Who may call {@code POST /json}. It spends budget like any rate limit call, but the admin port
 * has no credential: from anywhere, anyone who reaches the port could drain any budget, and with
 * client certificates required on gRPC it would be the way around them.
 */
public enum JsonAccess {
  /** Never answered (the default when gRPC requires client certificates). */
  OFF,
  /** Only clients on this host: {@code kubectl port-forward}, {@code kubectl exec}, a sidecar (the default). */
  LOOPBACK,
  /** Anyone who reaches the admin port, as envoyproxy/ratelimit answers it. */
  ON;

  /** The setting's value: {@code off}, {@code loopback} or {@code on}. */
  public static JsonAccess parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "off", "false" -> OFF;
      case "loopback", "local" -> LOOPBACK;
      case "on", "true", "any" -> ON;
      default -> throw new IllegalArgumentException("must be off, loopback or on, got '" + text + "'");
    };
  }

  boolean allows(InetAddress peer) {
    return switch (this) {
      case OFF -> false;
      case LOOPBACK -> peer.isLoopbackAddress();
      case ON -> true;
    };
  }

  /** Why a caller was refused, in one line. */
  String refusal() {
    return switch (this) {
      case OFF -> "POST /json is off on this service (JSON_ENDPOINT=off; off by default when gRPC requires client "
          + "certificates, which /json cannot check)\n";
      case LOOPBACK -> "POST /json is answered only to clients on the service's own host (JSON_ENDPOINT=loopback): "
          + "it spends budget and the admin port has no credential; use kubectl port-forward, or set "
          + "JSON_ENDPOINT=on\n";
      case ON -> "";
    };
  }

  public String describe() {
    return switch (this) {
      case OFF -> "off";
      case LOOPBACK -> "loopback only";
      case ON -> "open to every client";
    };
  }
}
