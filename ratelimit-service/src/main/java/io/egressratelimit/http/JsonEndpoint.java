package io.egressratelimit.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.egressratelimit.limiter.InvalidRequestException;
import io.egressratelimit.limiter.StoreUnavailableException;
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
    if (body.length > MAX_BODY_BYTES) {
      HttpResponses.text(exchange, 413, "the request body is larger than " + MAX_BODY_BYTES + " bytes\n");
      return;
    }
    RateLimitRequest.Builder request = RateLimitRequest.newBuilder();
    try {
      JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), request);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      HttpResponses.text(exchange, 400, "invalid RateLimitRequest JSON: " + e.getMessage() + "\n");
      return;
    }
    answer(exchange, request.build());
  }

  private void answer(HttpExchange exchange, RateLimitRequest request) throws IOException {
    RateLimitResponse response;
    try {
      response = rateLimit.apply(request).toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      failed(exchange, e.getCause());
      return;
    } catch (TimeoutException e) {
      HttpResponses.text(exchange, 504, "no decision within " + TIMEOUT_SECONDS + " s\n");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      HttpResponses.text(exchange, 503, "shutting down\n");
      return;
    }
    int status = response.getOverallCode() == RateLimitResponse.Code.OVER_LIMIT ? 429 : 200;
    HttpResponses.send(exchange, status, HttpResponses.JSON, JsonFormat.printer().print(response) + "\n");
  }

  private static void failed(HttpExchange exchange, Throwable failure) throws IOException {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof InvalidRequestException) {
      HttpResponses.text(exchange, 400, "invalid request: " + cause.getMessage() + "\n");
    } else if (cause instanceof StoreUnavailableException) {
      HttpResponses.text(exchange, 503, "the bucket store is unavailable: " + cause.getMessage() + "\n");
    } else {
      LOG.error("unexpected failure answering /json", cause);
      HttpResponses.text(exchange, 500, "internal error; see the service log\n");
    }
  }
}
