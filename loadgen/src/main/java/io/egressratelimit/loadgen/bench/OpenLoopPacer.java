package io.egressratelimit.loadgen.bench;

/**
 * Open loop: sends what a fixed rate owes by now, round-robin over the connections with room, never
 * more than the in-flight bound allows. Ticked by its group's event loop.
 */
final class OpenLoopPacer {
  private final StreamConnection[] connections;
  private final double ratePerSecond;
  private final long inflightBound;
  private final long fromNanos;
  private long paced;
  private int next;

  OpenLoopPacer(StreamConnection[] connections, double ratePerSecond, int inflightPerConnection, long fromNanos) {
    this.connections = connections;
    this.ratePerSecond = ratePerSecond;
    this.inflightBound = (long) connections.length * inflightPerConnection;
    this.fromNanos = fromNanos;
  }

  void pace(long now) {
    long owed = (long) ((now - fromNanos) * ratePerSecond / 1e9);
    int tried = 0;
    while (paced < owed && tried < connections.length) {
      StreamConnection connection = connections[next];
      if (connection.hasRoom()) {
        connection.send(now);
        paced++;
        tried = 0;
      } else {
        tried++;
      }
      next = (next + 1) % connections.length;
    }
    // A server that falls behind owes no backlog larger than what could be in flight.
    if (owed - paced > inflightBound) {
      paced = owed - inflightBound;
    }
    for (StreamConnection connection : connections) {
      connection.flush();
    }
  }
}
