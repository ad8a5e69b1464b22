package io.egressratelimit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.util.JsonFormat;
import io.egressratelimit.testing.FuzzedService;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.util.Set;

/**
 * The body handling of {@code POST /json} on any bytes: 200 or 429 with a RateLimitResponse as
 * JSON, or 400/413 with one line saying why; never a 500 and never an exception. Without
 * JAZZER_FUZZ this replays the corpus in {@code JsonBodyFuzzTestInputs/}.
 */
class JsonBodyFuzzTest {
  private static final JsonEndpoint ENDPOINT = new JsonEndpoint(FuzzedService.create(false)::decide, JsonAccess.ON);

  @FuzzTest
  void answersEveryBody(byte[] body) throws Exception {
    Response answer = ENDPOINT.answer(body).toCompletableFuture().join();
    String text = answer.bodyText();
    assertTrue(Set.of(200, 429, 400, 413).contains(answer.status()), answer.status() + " " + text);
    if (answer.status() == 200 || answer.status() == 429) {
      RateLimitResponse.Builder response = RateLimitResponse.newBuilder();
      JsonFormat.parser().merge(text, response);
      assertEquals(answer.status() == 429, response.getOverallCode() == RateLimitResponse.Code.OVER_LIMIT);
    } else {
      assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, "one line: " + text);
    }
  }
}
