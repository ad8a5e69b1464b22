package io.egressratelimit.http;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The paths of one listener, each exact: anything else is a 404 with {@code notFound} as its text.
 * An endpoint marked {@code onIoThread} answers on the connection's own thread, so it never waits
 * behind slower work; it must be cheap and never block. The others run on the listener's few
 * worker threads.
 */
record Routes(Map<String, Route> byPath, String notFound) {
  record Route(Endpoint endpoint, boolean onIoThread) {}

  Routes {
    byPath = Map.copyOf(byPath);
  }

  /** A cheap answer computed at once, on the I/O thread. */
  static Route immediate(Function<Request, Response> answer) {
    return new Route(request -> CompletableFuture.completedFuture(answer.apply(request)), true);
  }

  /** An answer that may take a while to compute, or completes later; on a worker thread. */
  static Route onWorker(Endpoint endpoint) {
    return new Route(endpoint, false);
  }

  /** A body rendered on each GET (or HEAD), on a worker thread; any other method is a 405. */
  static Route readOnly(String path, String contentType, Supplier<String> body) {
    return onWorker(request -> CompletableFuture.completedFuture(
        isRead(request) ? Response.of(200, contentType, body.get())
            : Response.methodNotAllowed("GET, HEAD", path + " only answers GET")));
  }

  static boolean isRead(Request request) {
    return "GET".equals(request.method()) || request.isHead();
  }
}
