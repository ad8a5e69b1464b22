package io.egressratelimit.rlqs.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A ledger as text, one line per record, so a shared store keeps it in one value and compares it
 * whole. Subscriber ids must hold no whitespace.
 */
public final class LedgerText {
  private static final String HEADER = "ledger1";

  private LedgerText() {}

  public static String write(Ledger ledger) {
    StringBuilder text = new StringBuilder(HEADER).append(' ').append(ledger.poolScaled).append(' ')
        .append(ledger.poolAtMicros).append(' ').append(ledger.openAtMicros).append(' ')
        .append(ledger.lastSeenMicros).append('\n');
    ledger.subscribers.forEach((id, s) -> {
      text.append("s ").append(id).append(' ').append(s.demandPerSecond).append(' ').append(s.lastReportMicros)
          .append('\n');
      s.current.ifPresent(g -> grant(text, "c", g));
      s.retired.forEach(g -> grant(text, "r", g));
    });
    return text.toString();
  }

  private static void grant(StringBuilder text, String kind, Grant g) {
    text.append(kind).append(' ').append(g.share().maxTokens()).append(' ').append(g.share().tokensPerPeriod())
        .append(' ').append(g.sentMicros()).append(' ').append(g.endMicros()).append('\n');
  }

  /** @throws IllegalArgumentException when the text is no ledger this version wrote */
  public static Ledger read(String text) {
    String[] lines = text.split("\n");
    String[] head = lines[0].split(" ");
    if (!head[0].equals(HEADER) || head.length != 5) {
      throw new IllegalArgumentException("not a quota ledger: " + lines[0]);
    }
    Map<String, Subscriber> subscribers = new TreeMap<>();
    Subscriber last = null;
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(" ");
      switch (f[0]) {
        case "s" -> {
          last = new Subscriber(Double.parseDouble(f[2]), Long.parseLong(f[3]), Optional.empty(), List.of());
          subscribers.put(f[1], last);
        }
        case "c" -> last.current = Optional.of(grant(f));
        case "r" -> last.retired.add(grant(f));
        default -> throw new IllegalArgumentException("not a quota ledger line: " + lines[i]);
      }
    }
    return new Ledger(Long.parseLong(head[1]), Long.parseLong(head[2]), Long.parseLong(head[3]),
        Long.parseLong(head[4]), subscribers);
  }

  private static Grant grant(String[] f) {
    return new Grant(new Share(Long.parseLong(f[1]), Long.parseLong(f[2])), Long.parseLong(f[3]), Long.parseLong(f[4]));
  }

  static List<String> lines(Ledger ledger) {
    return new ArrayList<>(List.of(write(ledger).split("\n")));
  }
}
