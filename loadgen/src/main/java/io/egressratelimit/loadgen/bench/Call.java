package io.egressratelimit.loadgen.bench;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;

/**
 * One unary call in flight: when it started and what has come back so far. Only the answer's first
 * two message bytes are read: overall_code's tag (0x08) and its value (1 OK, 2 OVER_LIMIT), since
 * decoding the whole response would cost the driver more CPU than the decision costs the service.
 */
final class Call {
  private static final int PREFIX = 5;
  private static final byte OVERALL_CODE_TAG = 0x08;

  final long startNanos;
  /** Sent after the warm-up: it counts in the result. */
  boolean counted;
  private boolean statusOk;
  private int bodyBytesSeen;
  private byte field;
  private byte code;

  Call(long startNanos) {
    this.startNanos = startNanos;
  }

  /** The trailers' grpc-status. */
  void status(CharSequence grpcStatus) {
    statusOk = grpcStatus != null && grpcStatus.length() == 1 && grpcStatus.charAt(0) == '0';
  }

  /** One DATA frame of the answer; the bytes looked for may arrive split over several. */
  void readBody(ByteBuf data) {
    int from = data.readerIndex();
    int length = data.readableBytes();
    for (int at = Math.max(PREFIX, bodyBytesSeen); at < PREFIX + 2 && at < bodyBytesSeen + length; at++) {
      byte value = data.getByte(from + at - bodyBytesSeen);
      if (at == PREFIX) {
        field = value;
      } else {
        code = value;
      }
    }
    bodyBytesSeen += length;
  }

  Answer answer() {
    if (!statusOk || bodyBytesSeen < PREFIX + 2 || field != OVERALL_CODE_TAG) {
      return Answer.ERROR;
    }
    return code == 1 ? Answer.OK : code == 2 ? Answer.OVER : Answer.ERROR;
  }
}
