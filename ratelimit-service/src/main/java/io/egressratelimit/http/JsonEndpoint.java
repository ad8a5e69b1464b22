package io.egressratelimit.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.egressratelimit.limiter.InvalidRequestException;
import io.egressratelimit.limiter.store.Completions;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /json}: a RateLimitRequest in protobuf's JSON mapping in, the RateLimitResponse out,
 * with 200 for OK and 429 for OVER_LIMIT as in envoyproxy/ratelimit. For trying a config by hand.
 */
final class JsonEndpoint implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(JsonEndpoint.class);
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final long TIMEOUT_SECONDS = 10;

  private final Function<RateLimitRequest, CompletionStage<RateLimitResponse>> rateLimit;

  JsonEndpoint(Function<RateLimitRequest, CompletionStage<RateLimitResponse>> rateLimit) {
    this.rateLimit = rateLimit;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      HttpResponses.methodNotAllowed(exchange, "POST", "POST a RateLimitRequest as JSON, e.g. {\"domain\":\"geocode\","
          + "\"descriptors\":[{\"entries\":[{\"key\":\"generic_key\",\"value\":\"geocode\"}]}]}");
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    Answer answer = answer(body);
    HttpResponses.send(exchange, answer.status(), answer.contentType(), answer.body());
  }

  /** What {@code POST /json} answers: the status, its content type and the body. */
  record Answer(int status, String contentType, String body) {
    static Answer text(int status, String body) {
      return new Answer(status, HttpResponses.TEXT, body);
    }
  }

  /**
   * The whole body handling, without the transport: any bytes get an answer, never an exception.
   * 200 or 429 with the response as JSON; 400, 413, 503 or 504 with one line saying why.
   */
  Answer answer(byte[] body) {
    if (body.length > MAX_BODY_BYTES) {
      return Answer.text(413, "the request body is larger than " + MAX_BODY_BYTES + " bytes\n");
    }
    RateLimitRequest.Builder request = RateLimitRequest.newBuilder();
    try {
      JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), request);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return Answer.text(400, "invalid RateLimitRequest JSON: " + oneLine(e.getMessage()) + "\n");
    }
    return decide(request.build());
  }

  private Answer decide(RateLimitRequest request) {
    RateLimitResponse response;
    try {
      response = rateLimit.apply(request).toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return failed(e.getCause());
    } catch (TimeoutException e) {
      return Answer.text(504, "no decision within " + TIMEOUT_SECONDS + " s\n");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.text(503, "shutting down\n");
    }
    int status = response.getOverallCode() == RateLimitResponse.Code.OVER_LIMIT ? 429 : 200;
    try {
      return new Answer(status, HttpResponses.JSON, JsonFormat.printer().print(response) + "\n");
    } catch (InvalidProtocolBufferException e) {
      // Only a Struct holding NaN or infinity fails to print, and config refuses both.
      LOG.error("cannot print a rate limit response as JSON", e);
      return Answer.text(500, "internal error; see the service log\n");
    }
  }

  /** A parser message can span lines (gson adds a hint); the answer keeps to one. */
  private static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ");
  }

  private static Answer failed(Throwable failure) {
    Throwable cause = Completions.cause(failure);
    if (cause instanceof InvalidRequestException) {
      return Answer.text(400, "invalid request: " + cause.getMessage() + "\n");
    }
    if (cause instanceof StoreUnavailableException) {
      return Answer.text(503, "the bucket store is unavailable: " + cause.getMessage() + "\n");
    }
    LOG.error("unexpected failure answering /json", cause);
    return Answer.text(500, "internal error; see the service log\n");
  }
}
