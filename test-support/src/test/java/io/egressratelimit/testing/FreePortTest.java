package io.egressratelimit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortTest {
  @Test
  void portsAskedForOneAfterAnotherAreDistinctAndFree() throws IOException {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      ports.add(FreePort.find());
    }
    assertEquals(50, ports.size(), "a port handed out twice: " + ports);
    int port = FreePort.find();
    try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertEquals(port, bound.getLocalPort());
    }
  }
}
