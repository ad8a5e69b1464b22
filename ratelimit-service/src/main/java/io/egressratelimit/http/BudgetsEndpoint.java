package io.egressratelimit.http;

import io.egressratelimit.budgets.BudgetBoard.BudgetsView;
import io.egressratelimit.limiter.store.Completions;
import io.egressratelimit.rlqs.ledger.QuotaBoard.LedgerView;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code GET /budgets}: every budget, live, as JSON; with {@code Accept: text/html} (a browser), a
 * page that charts it by polling the JSON. Read-only, and the view behind it is built at most once
 * a second however many watch.
 */
final class BudgetsEndpoint implements Endpoint {
  private static final long TIMEOUT_SECONDS = 5;

  private final Supplier<CompletionStage<BudgetsView>> budgets;
  private final Supplier<CompletionStage<List<LedgerView>>> quotaBudgets;

  BudgetsEndpoint(Supplier<CompletionStage<BudgetsView>> budgets,
      Supplier<CompletionStage<List<LedgerView>>> quotaBudgets) {
    this.budgets = budgets;
    this.quotaBudgets = quotaBudgets;
  }

  @Override
  public CompletionStage<Response> answer(Request request) {
    if (!Routes.isRead(request)) {
      return CompletableFuture.completedFuture(Response.methodNotAllowed("GET, HEAD", "/budgets only answers GET"));
    }
    if (wantsHtml(request.header("accept").orElse(null))) {
      return CompletableFuture.completedFuture(Response.of(200, "text/html; charset=utf-8", BudgetsPage.HTML)
          .withHeader("Content-Security-Policy", BudgetsPage.CONTENT_SECURITY_POLICY));
    }
    return budgets.get().toCompletableFuture()
        .thenCombine(quotaBudgets.get().toCompletableFuture(), BudgetsJson::render)
        .orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .handle((json, failure) -> {
          if (failure == null) {
            return Response.of(200, Response.JSON, json);
          }
          Throwable cause = Completions.cause(failure);
          return cause instanceof TimeoutException
              ? Response.text(504, "budgets not read within " + TIMEOUT_SECONDS + " s\n")
              : Response.text(503, "budgets unavailable: " + cause.getMessage() + "\n");
        });
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
