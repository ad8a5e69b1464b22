package io.egressratelimit.loadgen.bench;

/**
 * The driver's buffers are few and fixed; Netty's leak sampling and bounds checks are pure overhead
 * here. Netty reads these once, so they are set before the driver first touches a buffer.
 */
final class NettyTuning {
  private static final String PREFIX = "io.grpc.netty.shaded.io.netty.";

  private NettyTuning() {}

  static void forFixedBuffers() {
    set("leakDetection.level", "disabled");
    set("buffer.checkAccessible", "false");
    set("buffer.checkBounds", "false");
  }

  private static void set(String name, String value) {
    if (System.getProperty(PREFIX + name) == null) {
      System.setProperty(PREFIX + name, value);
    }
  }
}
