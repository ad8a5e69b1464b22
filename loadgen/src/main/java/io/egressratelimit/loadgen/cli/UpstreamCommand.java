package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.egressratelimit.loadgen.upstream.UsageCost;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The stub Geocoding API, serving until the process is stopped. */
@Command(
    name = "upstream",
    sortOptions = false,
    description = {
      "Serve a stub Geocoding API that times every request reaching it, until stopped (Ctrl-C or"
          + " SIGTERM).",
      "",
      "  GET /maps/api/geocode/json?latlng=LAT,LNG&key=KEY   a reverse-geocoding answer",
      "  GET /stats?window=10s[&grace=100ms][&since=EPOCH_MS]",
      "      {\"total\":N,\"maxInWindow\":M,\"windowSeconds\":S,\"graceMillis\":G}",
      "  GET /healthz                                        200 once listening",
      "",
      "With --usage MIN-MAX it stands in for a usage-priced API instead: every other path answers 200",
      "with the call's cost, uniform from MIN to MAX, in x-usage-tokens, and /stats adds totalCost,",
      "maxCostInWindow (the most cost served in any window) and maxCost (the largest call).",
      ""
    },
    footer = {"", "Exit status: 0 after a stop, 2 when the address cannot be listened on."})
final class UpstreamCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "8090", paramLabel = "PORT",
      description = "Port to listen on; 0 for any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on; 0.0.0.0 to accept other hosts, e.g. in a pod (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--threads", defaultValue = "8", paramLabel = "N",
      description = "Request-handling threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--usage", paramLabel = "MIN-MAX",
      description = "Answer as a usage-priced API: each call costs MIN to MAX (uniform), e.g. 50-4000.")
  String usage;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
      description = "Seed for the --usage draws, so a run can be repeated (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw new ParameterException(spec.commandLine(), "--port must be from 0 to 65535");
    }
    if (threads < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1");
    }
    java.util.Optional<UsageCost> cost;
    try {
      cost = usage == null ? java.util.Optional.empty() : java.util.Optional.of(UsageCost.parse(usage, seed));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--usage: " + e.getMessage());
    }
    StubUpstream stub;
    try {
      stub = StubUpstream.start(bind, port, threads, cost);
    } catch (IOException e) {
      throw new UserError("cannot listen on " + bind + ":" + port + ": " + e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stub.close();
      stopped.countDown();
    }, "stub-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("stub upstream listening on http://" + bind + ":" + stub.port());
    out.flush();
    stopped.await();
    return 0;
  }
}
