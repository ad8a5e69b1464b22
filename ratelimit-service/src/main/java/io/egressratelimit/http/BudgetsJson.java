package io.egressratelimit.http;

import io.egressratelimit.budgets.BudgetBoard.BucketView;
import io.egressratelimit.budgets.BudgetBoard.BudgetsView;
import io.egressratelimit.budgets.BudgetBoard.RuleView;
import io.egressratelimit.budgets.Guarantees;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.Rule;
import io.egressratelimit.rlqs.ledger.LedgerFigures;
import io.egressratelimit.rlqs.ledger.QuotaBoard.LedgerView;
import io.egressratelimit.rlqs.ledger.QuotaBoard.ShareView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** {@code /budgets} as JSON. Field names are a contract for scripts and the page: keep them. */
final class BudgetsJson {
  /** The short window of the plain-language line: "12 denied in the last 10 s". */
  static final int RECENT_SECONDS = 10;

  private BudgetsJson() {}

  static String render(BudgetsView view) {
    return render(view, List.of());
  }

  /** @param ledgers the RLQS budgets, each shown under its rule */
  static String render(BudgetsView view, List<LedgerView> ledgers) {
    StringBuilder json = new StringBuilder(4096);
    json.append("{\"at\":").append(string(Instant.ofEpochMilli(view.atEpochMillis()).toString()))
        .append(",\"store\":").append(string(view.store()))
        .append(",\"fleetWide\":").append(view.fleetWide())
        .append(",\"tokensLeftFrom\":").append(string(view.fleetWide()
            ? "the shared store: the whole fleet's budget" : "this replica's own store: this replica's budget"))
        .append(",\"ratesFrom\":\"this replica's decisions\"")
        .append(",\"rules\":[");
    List<RuleView> rules = view.rules();
    for (int i = 0; i < rules.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      rule(json, rules.get(i), ledgers);
    }
    return json.append("]}\n").toString();
  }

  private static void rule(StringBuilder json, RuleView view, List<LedgerView> ledgers) {
    Rule rule = view.rule();
    json.append("{\"domain\":").append(string(rule.domain()))
        .append(",\"key\":").append(string(rule.fullKey()))
        .append(",\"name\":").append(rule.name().map(BudgetsJson::string).orElse("null"));
    if (rule.policy().isPresent()) {
      LimitPolicy policy = rule.policy().get();
      json.append(",\"limit\":").append(string(policy.describe()))
          .append(",\"algorithm\":").append(string(policy.algorithm().name().toLowerCase(Locale.ROOT)))
          .append(",\"requestsPerPeriod\":").append(policy.requestsPerPeriod())
          .append(",\"period\":").append(string(Guarantees.window(policy)))
          .append(",\"periodSeconds\":").append(policy.period().toSeconds())
          .append(",\"burst\":").append(policy.burst());
    } else {
      json.append(",\"limit\":\"unlimited\"");
    }
    json.append(",\"capacity\":").append(view.capacity())
        .append(",\"guarantee\":").append(string(view.guarantee()))
        .append(",\"shadowMode\":").append(rule.shadowMode())
        .append(",\"quotaMode\":").append(rule.quotaMode())
        .append(",\"liveBuckets\":").append(view.liveBuckets())
        .append(",\"buckets\":[");
    for (int i = 0; i < view.buckets().size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      bucket(json, rule, view.buckets().get(i));
    }
    json.append("]");
    if (rule.rlqs()) {
      json.append(",\"rlqs\":[");
      boolean first = true;
      for (LedgerView ledger : ledgers) {
        if (ledger.ruleKey().equals(rule.fullKey())) {
          json.append(first ? "" : ",");
          ledger(json, ledger);
          first = false;
        }
      }
      json.append("]");
    }
    json.append("}");
  }

  /** One RLQS budget: the pool, what the shares hold, and each Envoy's share. */
  private static void ledger(StringBuilder json, LedgerView ledger) {
    json.append("{\"bucket\":").append(string(ledger.bucket()))
        .append(",\"budgetBurst\":").append(ledger.budget().burst())
        .append(",\"budgetRatePerPeriod\":").append(ledger.budget().ratePerPeriod())
        .append(",\"periodSeconds\":").append(ledger.budget().periodSeconds())
        .append(",\"opensInSeconds\":").append(String.format(Locale.ROOT, "%.1f", ledger.opensInSeconds()))
        .append(",\"storeProblem\":").append(ledger.problem().isEmpty() ? "null" : string(ledger.problem()));
    LedgerFigures figures = ledger.figures();
    if (figures != null) {
      json.append(",\"poolTokens\":").append(figures.poolTokens())
          .append(",\"rateHeld\":").append(figures.rateHeld())
          .append(",\"burstHeld\":").append(figures.burstHeld());
    }
    json.append(",\"shares\":[");
    for (int i = 0; i < ledger.shares().size(); i++) {
      ShareView share = ledger.shares().get(i);
      json.append(i > 0 ? "," : "").append("{\"envoy\":").append(string(share.envoy()))
          .append(",\"maxTokens\":").append(share.maxTokens())
          .append(",\"tokensPerPeriod\":").append(share.tokensPerPeriod())
          .append(",\"demandPerSecond\":").append(String.format(Locale.ROOT, "%.2f", share.demandPerSecond()))
          .append('}');
    }
    json.append("]}");
  }

  private static void bucket(StringBuilder json, Rule rule, BucketView bucket) {
    long[] admitted = bucket.admittedPerSecond();
    long[] denied = bucket.deniedPerSecond();
    json.append("{\"descriptor\":").append(string(bucket.label()))
        .append(",\"id\":").append(string(bucket.id()))
        .append(",\"capacity\":").append(bucket.capacity())
        .append(",\"tokensLeft\":")
        .append(bucket.tokens().isPresent() ? Long.toString(bucket.tokens().getAsLong()) : "null")
        .append(",\"fullInSeconds\":").append(bucket.untilFull().map(BudgetsJson::seconds).orElse("null"))
        .append(",\"storeProblem\":").append(bucket.problem().isEmpty() ? "null" : string(bucket.problem()))
        .append(",\"admittedPerSecond\":").append(rate(sum(admitted, admitted.length), admitted.length))
        .append(",\"deniedPerSecond\":").append(rate(sum(denied, denied.length), denied.length))
        .append(",\"admittedLast10s\":").append(sum(admitted, RECENT_SECONDS))
        .append(",\"deniedLast10s\":").append(sum(denied, RECENT_SECONDS))
        .append(",\"summary\":").append(string(summary(rule, bucket)))
        .append(",\"lastMinute\":{\"admitted\":").append(array(admitted))
        .append(",\"denied\":").append(array(denied)).append("}}");
  }

  /** The plain-language line, e.g. {@code geocode: 3 of 20 left, full again in 7 s, 12 denied in the last 10 s}. */
  static String summary(Rule rule, BucketView bucket) {
    String who = rule.name().filter(name -> bucket.label().equals(rule.fullKey())).orElse(bucket.label());
    StringBuilder line = new StringBuilder(who).append(": ");
    if (bucket.tokens().isPresent()) {
      line.append(bucket.tokens().getAsLong()).append(" of ").append(bucket.capacity()).append(" left, ");
      Duration untilFull = bucket.untilFull().orElse(Duration.ZERO);
      line.append(untilFull.isZero() ? "full" : "full again in " + humanSeconds(untilFull));
    } else {
      line.append("tokens left unknown (").append(bucket.problem()).append(')');
    }
    long denied = sum(bucket.deniedPerSecond(), RECENT_SECONDS);
    return line.append(", ").append(denied).append(" denied in the last ").append(RECENT_SECONDS).append(" s")
        .toString();
  }

  private static String humanSeconds(Duration duration) {
    long seconds = (duration.toMillis() + 999) / 1000;
    if (seconds < 120) {
      return seconds + " s";
    }
    if (seconds < 7200) {
      return (seconds + 59) / 60 + " min";
    }
    return (seconds + 3599) / 3600 + " h";
  }

  /** The sum of the last {@code seconds} entries. */
  private static long sum(long[] perSecond, int seconds) {
    long sum = 0;
    for (int i = Math.max(0, perSecond.length - seconds); i < perSecond.length; i++) {
      sum += perSecond[i];
    }
    return sum;
  }

  private static String rate(long count, int seconds) {
    return String.format(Locale.ROOT, "%.2f", count / (double) Math.max(1, seconds));
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }

  private static String array(long[] values) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append(values[i]);
    }
    return text.append(']').toString();
  }

  static String string(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // < > & escaped too, so the JSON can never close a script block of the page
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
