package io.egressratelimit.loadgen.cli;

/** What the process exit status means; scripts (the demo, CI) depend on these. */
public final class ExitCodes {
  public static final int BUDGET_HELD = 0;
  public static final int BUDGET_EXCEEDED = 1;
  public static final int USAGE = 2;
  public static final int NOTHING_ADMITTED = 3;

  private ExitCodes() {}
}
