package io.egressratelimit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class JsonAccessTest {
  private static final byte[] BODY =
      "{\"domain\":\"geocode\",\"descriptors\":[{\"entries\":[{\"key\":\"k\",\"value\":\"v\"}]}]}"
          .getBytes(StandardCharsets.UTF_8);

  private static Request from(String address) throws Exception {
    return new Request("POST", "/json", Map.of(), BODY, InetAddress.getByName(address));
  }

  @Test
  void loopbackAnswersOnlyClientsOnThisHost() throws Exception {
    assertTrue(JsonAccess.LOOPBACK.allows(InetAddress.getByName("127.0.0.1")));
    assertTrue(JsonAccess.LOOPBACK.allows(InetAddress.getByName("127.0.0.2")));
    assertTrue(JsonAccess.LOOPBACK.allows(InetAddress.getByName("::1")));
    assertFalse(JsonAccess.LOOPBACK.allows(InetAddress.getByName("10.1.2.3")));
    assertFalse(JsonAccess.OFF.allows(InetAddress.getByName("127.0.0.1")));
    assertTrue(JsonAccess.ON.allows(InetAddress.getByName("10.1.2.3")));
  }

  @Test
  void aRefusedCallerGets403SayingWhyAndNothingIsDecided() throws Exception {
    int[] decided = {0};
    JsonEndpoint endpoint = new JsonEndpoint(request -> {
      decided[0]++;
      return CompletableFuture.failedFuture(new IllegalStateException("not to be called"));
    }, JsonAccess.LOOPBACK);
    Response refused = endpoint.answer(from("10.1.2.3")).toCompletableFuture().join();
    assertEquals(403, refused.status());
    assertTrue(refused.bodyText().startsWith("POST /json is answered only to clients on the service's own host "
        + "(JSON_ENDPOINT=loopback)"), refused.bodyText());
    assertEquals(0, decided[0], "no budget spent");
  }

  @Test
  void theSettingReadsOffLoopbackOrOn() {
    assertEquals(JsonAccess.OFF, JsonAccess.parse("off"));
    assertEquals(JsonAccess.LOOPBACK, JsonAccess.parse(" Loopback "));
    assertEquals(JsonAccess.ON, JsonAccess.parse("on"));
    assertEquals("must be off, loopback or on, got 'public'",
        assertThrows(IllegalArgumentException.class, () -> JsonAccess.parse("public")).getMessage());
  }
}
