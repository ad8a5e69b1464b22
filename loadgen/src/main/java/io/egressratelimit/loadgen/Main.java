package io.egressratelimit.loadgen;

import io.egressratelimit.loadgen.cli.LoadgenCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/** Process entry point: {@code java -jar loadgen.jar http|rls|upstream|bench ...}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Charset charset = Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
    int code = LoadgenCommand.execute(args, System.getenv(), System.console() != null, out, err);
    System.exit(code);
  }
}
