package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.WarmupTraffic;
import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

/** Only this replica's own warm-up, and only until it ends, is decided as a rehearsal. */
class RehearsalsTest {
  private static Metadata header(String value) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of(WarmupTraffic.HEADER, Metadata.ASCII_STRING_MARSHALLER), value);
    return headers;
  }

  @Test
  void theWarmupsOwnMarkerIsARehearsalUntilTheWarmupEnds() {
    Rehearsals rehearsals = new Rehearsals();
    assertTrue(rehearsals.isRehearsal(rehearsals.marker()));
    rehearsals.end();
    assertFalse(rehearsals.isRehearsal(rehearsals.marker()), "replayed after SERVING");
  }

  @Test
  void aCallerCannotPassForTheWarmup() {
    Rehearsals rehearsals = new Rehearsals();
    assertFalse(rehearsals.isRehearsal(new Metadata()));
    assertFalse(rehearsals.isRehearsal(header("1")));
    assertFalse(rehearsals.isRehearsal(new Rehearsals().marker()), "another replica's secret");
  }
}
