package io.egressratelimit.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals the JDK cannot send: SIGSTOP freezes a process with its sockets open, SIGCONT lets it go on. */
public final class Signals {
  private Signals() {}

  /** Freezes the process: connections stay open and nothing is answered, as with a hung host. */
  public static void pause(long pid) {
    send("-STOP", pid);
  }

  public static void resume(long pid) {
    send("-CONT", pid);
  }

  private static void send(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot send " + signal + " to " + pid + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
