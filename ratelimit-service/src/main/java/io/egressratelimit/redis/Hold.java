package io.egressratelimit.redis;

/**
 * One slot's part of a request whose buckets span several slots: the tokens it takes may have to
 * be given back. The call that carries it leaves a receipt in Redis, and says here where to find
 * it: the receipt's key and this part's place in the call (see {@code give-back.lua}).
 */
final class Hold {
  private volatile String receipt;
  private volatile int place;

  /** Set where the call is written, before it is sent. */
  void issued(String receiptKey, int placeInCall) {
    this.place = placeInCall;
    this.receipt = receiptKey;
  }

  /** The receipt's key; null until the part went out in a call. */
  String receipt() {
    return receipt;
  }

  int place() {
    return place;
  }
}
