package io.egressratelimit.http;

import io.egressratelimit.budgets.BudgetBoard.BudgetsView;
import io.egressratelimit.rlqs.ledger.QuotaBoard.LedgerView;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the admin endpoints show, supplied by the composition root so this package needs neither
 * the engine's internals nor a metrics library.
 *
 * @param unhealthy why {@code /healthcheck} fails (draining, backend down), or empty when serving
 * @param rules the {@code /rlconfig} text of the config in force
 * @param metrics the {@code /metrics} scrape in the Prometheus text format
 * @param rateLimit one rate limit call, as the gRPC service makes it, for {@code /json}
 * @param budgets the live view of every budget, for {@code /budgets}
 * @param quotaBudgets the RLQS budgets with each Envoy's share, for {@code /budgets}
 */
public record AdminEndpoints(
    Supplier<Optional<String>> unhealthy,
    Supplier<String> rules,
    Supplier<String> metrics,
    Function<RateLimitRequest, CompletionStage<RateLimitResponse>> rateLimit,
    Supplier<CompletionStage<BudgetsView>> budgets,
    Supplier<CompletionStage<List<LedgerView>>> quotaBudgets) {

  public AdminEndpoints {
    Objects.requireNonNull(unhealthy, "unhealthy");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(rateLimit, "rateLimit");
    Objects.requireNonNull(budgets, "budgets");
    Objects.requireNonNull(quotaBudgets, "quotaBudgets");
  }
}
