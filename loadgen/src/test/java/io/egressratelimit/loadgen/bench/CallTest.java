package io.egressratelimit.loadgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The answer is told from grpc-status and the first field of the response; nothing else is decoded. */
class CallTest {
  /** A gRPC frame of a RateLimitResponse whose overall_code is {@code code}, then a status. */
  private static byte[] response(int code) {
    return new byte[] {0, 0, 0, 0, 4, 0x08, (byte) code, 0x12, 0x00};
  }

  @Test
  void readsTheOverallCodeEvenWhenTheFrameArrivesInPieces() {
    byte[] over = response(2);
    Call call = new Call(0);
    for (byte b : over) {
      call.readBody(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    call.status("0");
    assertEquals(Answer.OVER, call.answer());

    Call whole = new Call(0);
    whole.readBody(Unpooled.wrappedBuffer(response(1)));
    whole.status("0");
    assertEquals(Answer.OK, whole.answer());
  }

  @Test
  void aGrpcErrorOrAnUnreadableAnswerIsAnError() {
    Call refused = new Call(0);
    refused.readBody(Unpooled.wrappedBuffer(response(1)));
    refused.status("3");
    assertEquals(Answer.ERROR, refused.answer());

    Call noStatus = new Call(0);
    noStatus.readBody(Unpooled.wrappedBuffer(response(1)));
    assertEquals(Answer.ERROR, noStatus.answer());

    Call unknownCode = new Call(0);
    unknownCode.readBody(Unpooled.wrappedBuffer(response(0)));
    unknownCode.status("0");
    assertEquals(Answer.ERROR, unknownCode.answer());

    Call truncated = new Call(0);
    truncated.readBody(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 2, 0x08}));
    truncated.status("0");
    assertEquals(Answer.ERROR, truncated.answer());
  }
}
