package io.egressratelimit.loadgen.bench;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * gRPC request frames (a 5-byte prefix, then the serialized RateLimitRequest). A workload of a few
 * requests has its frames built once, and every call writes a duplicate of the same bytes, so none
 * may free them; one that walks a million users builds each call's frame as it goes.
 */
public final class RequestFrames {
  private RequestFrames() {}

  /** Where each call's frame comes from. */
  interface Source {
    ByteBuf next(SplittableRandom random);
  }

  /** The frames a workload's calls take: built once and picked at random, or built in turn. */
  static Source of(Workload workload, String domain) {
    if (workload.inTurn()) {
      AtomicLong calls = new AtomicLong();
      return random -> onHeap(domain, workload.descriptors((int) (calls.getAndIncrement() % workload.requests())));
    }
    ByteBuf[] frames = new ByteBuf[workload.requests()];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = Unpooled.unreleasableBuffer(direct(frame(domain, workload.descriptors(i))));
    }
    return random -> (frames.length == 1 ? frames[0] : frames[random.nextInt(frames.length)]).duplicate();
  }

  /** The frame of one burst's calls: a key of the per-user rule that no other burst uses. */
  static ByteBuf forUser(String domain, String user) {
    return Unpooled.unreleasableBuffer(direct(frame(domain, List.of(Workload.descriptor("user", user)))));
  }

  /** The workload's first frame as bytes: the body h2load sends on every call. */
  public static byte[] firstOf(Workload workload, String domain) {
    return frame(domain, workload.descriptors(0));
  }

  private static ByteBuf direct(byte[] frame) {
    return Unpooled.directBuffer(frame.length).writeBytes(frame);
  }

  /** A frame written once: the call's stream releases it. */
  private static ByteBuf onHeap(String domain, List<RateLimitDescriptor> descriptors) {
    return Unpooled.wrappedBuffer(frame(domain, descriptors));
  }

  private static byte[] frame(String domain, List<RateLimitDescriptor> descriptors) {
    byte[] message = RateLimitRequest.newBuilder().setDomain(domain).addAllDescriptors(descriptors).build()
        .toByteArray();
    byte[] frame = new byte[5 + message.length];
    frame[1] = (byte) (message.length >>> 24);
    frame[2] = (byte) (message.length >>> 16);
    frame[3] = (byte) (message.length >>> 8);
    frame[4] = (byte) message.length;
    System.arraycopy(message, 0, frame, 5, message.length);
    return frame;
  }
}
