package io.egressratelimit.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.egressratelimit.limiter.InvalidRequestException;
import io.egressratelimit.limiter.store.Completions;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /json}: a RateLimitRequest in protobuf's JSON mapping in, the RateLimitResponse out,
 * with 200 for OK and 429 for OVER_LIMIT as in envoyproxy/ratelimit. For trying a config by hand.
 */
final class JsonEndpoint implements Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(JsonEndpoint.class);
  static final int MAX_BODY_BYTES = HttpListener.Limits.DEFAULT.maxBodyBytes();
  private static final long TIMEOUT_SECONDS = 10;

  private final Function<RateLimitRequest, CompletionStage<RateLimitResponse>> rateLimit;
  private final JsonAccess access;

  JsonEndpoint(Function<RateLimitRequest, CompletionStage<RateLimitResponse>> rateLimit, JsonAccess access) {
    this.rateLimit = rateLimit;
    this.access = access;
  }

  @Override
  public CompletionStage<Response> answer(Request request) {
    if (!access.allows(request.peer())) {
      return done(Response.text(403, access.refusal()));
    }
    if (!"POST".equals(request.method())) {
      return CompletableFuture.completedFuture(Response.methodNotAllowed("POST", "POST a RateLimitRequest as JSON, "
          + "e.g. {\"domain\":\"geocode\",\"descriptors\":[{\"entries\":[{\"key\":\"generic_key\",\"value\":\"geocode\"}]}]}"));
    }
    return answer(request.body());
  }

  /**
   * The whole body handling, without the transport: any bytes get an answer, never an exception.
   * 200 or 429 with the response as JSON; 400, 413, 503 or 504 with one line saying why.
   */
  CompletionStage<Response> answer(byte[] body) {
    if (body.length > MAX_BODY_BYTES) {
      return done(Response.text(413, "the request body is larger than " + MAX_BODY_BYTES + " bytes\n"));
    }
    String text;
    try {
      text = strictUtf8(body);
    } catch (IllegalArgumentException e) {
      return done(Response.text(400, "invalid RateLimitRequest JSON: " + e.getMessage() + "\n"));
    }
    RateLimitRequest.Builder request = RateLimitRequest.newBuilder();
    try {
      JsonFormat.parser().merge(text, request);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return done(Response.text(400, "invalid RateLimitRequest JSON: " + oneLine(e.getMessage()) + "\n"));
    }
    CompletionStage<RateLimitResponse> decided;
    try {
      decided = rateLimit.apply(request.build());
    } catch (RuntimeException e) {
      decided = CompletableFuture.failedFuture(e);
    }
    return decided.toCompletableFuture().orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .handle((response, failure) -> failure == null ? answered(response) : failed(failure));
  }

  /**
   * The body as text, refusing bytes that are not UTF-8: decoding them leniently would turn each
   * into U+FFFD and spend budget on a descriptor that gRPC refuses.
   */
  static String strictUtf8(byte[] body) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(body.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new IllegalArgumentException("the body is not valid UTF-8 at byte " + in.position());
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  private static CompletionStage<Response> done(Response response) {
    return CompletableFuture.completedFuture(response);
  }

  private static Response answered(RateLimitResponse response) {
    int status = response.getOverallCode() == RateLimitResponse.Code.OVER_LIMIT ? 429 : 200;
    try {
      return Response.of(status, Response.JSON, JsonFormat.printer().print(response) + "\n");
    } catch (InvalidProtocolBufferException e) {
      // Only a Struct holding NaN or infinity fails to print, and config refuses both.
      LOG.error("cannot print a rate limit response as JSON", e);
      return Response.text(500, "internal error; see the service log\n");
    }
  }

  /** A parser message can span lines (gson adds a hint); the answer keeps to one. */
  private static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ");
  }

  private static Response failed(Throwable failure) {
    Throwable cause = Completions.cause(failure);
    if (cause instanceof TimeoutException) {
      return Response.text(504, "no decision within " + TIMEOUT_SECONDS + " s\n");
    }
    if (cause instanceof InvalidRequestException) {
      return Response.text(400, "invalid request: " + cause.getMessage() + "\n");
    }
    if (cause instanceof StoreUnavailableException) {
      return Response.text(503, "the bucket store is unavailable: " + cause.getMessage() + "\n");
    }
    LOG.error("unexpected failure answering /json", cause);
    return Response.text(500, "internal error; see the service log\n");
  }
}
