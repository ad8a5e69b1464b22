package io.egressratelimit.loadgen;

/** Entry point of the load generator; its subcommands arrive with the loadgen work. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("loadgen: no subcommands yet");
    System.exit(2);
  }
}
