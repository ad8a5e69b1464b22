package io.egressratelimit.http;

import java.util.concurrent.CompletionStage;

/** What one path answers. An answer that waits (for the store, say) completes later; it never blocks. */
@FunctionalInterface
interface Endpoint {
  CompletionStage<Response> answer(Request request);
}
