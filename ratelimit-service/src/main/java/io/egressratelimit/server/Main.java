package io.egressratelimit.server;

/** Process entry point. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("ratelimit-service: not wired yet");
    System.exit(2);
  }
}
