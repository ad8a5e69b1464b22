package io.egressratelimit.server;

import io.egressratelimit.limiter.WarmupTraffic;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Tells the replica's own warm-up calls from callers' calls: they carry a secret this process drew
 * at start and never shows, and only until the warm-up ends. A rehearsal is decided on buckets of
 * its own (see {@link WarmupTraffic}), so a caller that could pass for one would go unlimited;
 * neither a guessed header nor one replayed after SERVING does.
 */
final class Rehearsals {
  private static final Metadata.Key<String> HEADER =
      Metadata.Key.of(WarmupTraffic.HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private final String secret;
  private volatile boolean open = true;

  Rehearsals() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    this.secret = HexFormat.of().formatHex(bytes);
  }

  /** Whether a call with these headers is one of the warm-up's; false for every call once it has ended. */
  boolean isRehearsal(Metadata headers) {
    if (!open) {
      return false;
    }
    String presented = headers.get(HEADER);
    return presented != null && MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.US_ASCII), secret.getBytes(StandardCharsets.US_ASCII));
  }

  /** The headers the warm-up's calls carry. */
  Metadata marker() {
    Metadata headers = new Metadata();
    headers.put(HEADER, secret);
    return headers;
  }

  /** From now on no call is a rehearsal. */
  void end() {
    open = false;
  }
}
