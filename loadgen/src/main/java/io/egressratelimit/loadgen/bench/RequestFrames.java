package io.egressratelimit.loadgen.bench;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import java.util.List;

/**
 * gRPC request frames (a 5-byte prefix, then the serialized RateLimitRequest), built once: every
 * call writes a duplicate of the same bytes, so none may free them.
 */
public final class RequestFrames {
  private RequestFrames() {}

  /** The frames a workload's calls pick from. */
  static ByteBuf[] of(Workload workload, String domain) {
    List<RateLimitDescriptor.Entry> entries = workload.entries();
    ByteBuf[] frames = new ByteBuf[entries.size()];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = frame(domain, entries.get(i));
    }
    return frames;
  }

  /** The frame of one burst's calls: a key of the per-user rule that no other burst uses. */
  static ByteBuf forUser(String domain, String user) {
    return frame(domain, Workload.entry("user", user));
  }

  /** The workload's first frame as bytes: the body h2load sends on every call. */
  public static byte[] firstOf(Workload workload, String domain) {
    ByteBuf frame = frame(domain, workload.entries().get(0));
    byte[] bytes = new byte[frame.readableBytes()];
    frame.getBytes(frame.readerIndex(), bytes);
    return bytes;
  }

  private static ByteBuf frame(String domain, RateLimitDescriptor.Entry entry) {
    byte[] message = RateLimitRequest.newBuilder().setDomain(domain)
        .addDescriptors(RateLimitDescriptor.newBuilder().addEntries(entry)).build().toByteArray();
    ByteBuf frame = Unpooled.directBuffer(5 + message.length).writeByte(0).writeInt(message.length).writeBytes(message);
    return Unpooled.unreleasableBuffer(frame);
  }
}
