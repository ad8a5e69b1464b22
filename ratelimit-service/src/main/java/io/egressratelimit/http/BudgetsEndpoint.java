package io.egressratelimit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.egressratelimit.limiter.BudgetBoard.BudgetsView;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code GET /budgets}: every budget, live, as JSON; with {@code Accept: text/html} (a browser), a
 * page that charts it by polling the JSON. Read-only, and the view behind it is built at most once
 * a second however many watch.
 */
final class BudgetsEndpoint implements HttpHandler {
  private static final long TIMEOUT_SECONDS = 5;

  private final Supplier<CompletionStage<BudgetsView>> budgets;

  BudgetsEndpoint(Supplier<CompletionStage<BudgetsView>> budgets) {
    this.budgets = budgets;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      HttpResponses.methodNotAllowed(exchange, "GET, HEAD", "/budgets only answers GET");
      return;
    }
    if (wantsHtml(exchange.getRequestHeaders().getFirst("Accept"))) {
      exchange.getResponseHeaders().set("Content-Security-Policy", BudgetsPage.CONTENT_SECURITY_POLICY);
      HttpResponses.send(exchange, 200, "text/html; charset=utf-8", BudgetsPage.HTML);
      return;
    }
    BudgetsView view;
    try {
      view = budgets.get().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      HttpResponses.text(exchange, 503, "budgets unavailable: " + e.getCause().getMessage() + "\n");
      return;
    } catch (TimeoutException e) {
      HttpResponses.text(exchange, 504, "budgets not read within " + TIMEOUT_SECONDS + " s\n");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      HttpResponses.text(exchange, 503, "shutting down\n");
      return;
    }
    HttpResponses.send(exchange, 200, HttpResponses.JSON, BudgetsJson.render(view));
  }

  /** A browser asks for text/html first; curl, scripts and the page's own polling do not. */
  static boolean wantsHtml(String accept) {
    if (accept == null) {
      return false;
    }
    String first = accept.split(",")[0].trim().toLowerCase(Locale.ROOT);
    return first.startsWith("text/html") || first.startsWith("application/xhtml+xml");
  }
}
