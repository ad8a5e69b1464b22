package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.output.HtmlReportWriter;
import io.egressratelimit.loadgen.output.JsonSummaryWriter;
import io.egressratelimit.loadgen.output.SummaryPrinter;
import io.egressratelimit.loadgen.rls.RlsTarget;
import io.egressratelimit.loadgen.run.LoadRun;
import io.egressratelimit.loadgen.stats.RunSummary;
import io.egressratelimit.loadgen.traffic.ApiKey;
import io.egressratelimit.loadgen.traffic.Caller;
import io.egressratelimit.loadgen.traffic.HttpCaller;
import io.egressratelimit.loadgen.traffic.RunBounds;
import io.egressratelimit.loadgen.units.Durations;
import io.egressratelimit.loadgen.upstream.UpstreamStatsClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * One load run from start to verdict, shared by {@code http} and {@code rls}: they differ only in
 * the {@link Caller} they build.
 */
abstract class LoadCommand implements Callable<Integer> {
  @ParentCommand LoadgenCommand parent;
  @Spec CommandSpec spec;
  @Mixin TrafficOptions traffic;
  @Mixin VerdictOptions verdict;

  /** How long a mode waits for its rate limit service replicas to accept connections. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The mode's name in the summary: the subcommand's. */
  String mode() {
    return spec.name();
  }

  /** The upstream whose /stats judge the run, when the user named one. */
  abstract Optional<URI> upstream();

  /** Mode-specific problems with the options, as a message; empty when there are none. */
  String modeProblems() {
    return "";
  }

  /** Mode-specific settings for the summary; no URLs, no secrets. None by default. */
  Map<String, String> modeSettings() {
    return Map.of();
  }

  abstract Caller openCaller(HttpClient http, Optional<ApiKey> apiKey) throws IOException, InterruptedException;

  /** Lines a mode adds after the verdict, about what only it can see; none by default. */
  List<String> modeFindings() {
    return List.of();
  }

  /** Where admitted calls go on to, when the user named an upstream. */
  final Optional<Caller> upstreamCaller(HttpClient http, Optional<ApiKey> apiKey) {
    return upstream().map(u -> new HttpCaller(http, u, apiKey, traffic.timeout, Clock.systemUTC()));
  }

  /** The error for replicas that did not accept a connection within {@link #CONNECT_TIMEOUT}. */
  static UserError notReachable(List<RlsTarget> notReady) {
    return new UserError("rate limit service not reachable at " + notReady
        + " (waited " + Durations.format(CONNECT_TIMEOUT) + ")");
  }

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    Optional<ApiKey> apiKey = resolveApiKey(out);
    HttpClient http = HttpCaller.newClient(traffic.timeout);
    Optional<UpstreamStatsClient> stub = findStub(http, out);
    try (Caller caller = openCaller(http, apiKey)) {
      // the run's clock starts once the caller is connected, so connecting costs none of --duration
      RunBounds bounds = new RunBounds(traffic.effectiveDuration(), traffic.requestLimit());
      CountDownLatch reported = new CountDownLatch(1);
      Thread onSignal = new Thread(() -> stopAndAwaitReport(bounds, reported), "stop-on-signal");
      Runtime.getRuntime().addShutdownHook(onSignal);
      try {
        RunSummary summary = run(caller, bounds, stub, out);
        SummaryPrinter.print(summary, out);
        modeFindings().forEach(out::println);
        int exitCode = exitCode(summary);
        if (exitCode == ExitCodes.NOTHING_ADMITTED) {
          out.println("NOTHING ADMITTED: every call was rejected or failed; check the target and its limits");
        }
        writeFiles(summary, out);
        return exitCode;
      } finally {
        reported.countDown();
        removeHook(onSignal);
      }
    }
  }

  private RunSummary run(Caller caller, RunBounds bounds, Optional<UpstreamStatsClient> stub, PrintWriter out)
      throws InterruptedException {
    Map<String, String> settings = traffic.describe();
    settings.putAll(modeSettings());
    if (verdict.budget != null) {
      settings.put("budget", verdict.budget + " per " + Durations.format(verdict.window));
    }
    LoadRun.Judge judge = (stats, startedAt) -> Verdicts.judge(stub, stats, verdict, startedAt);
    LoadRun.Setup setup = new LoadRun.Setup(mode(), settings, traffic.settings(), verdict.countingWindow(), judge);
    return LoadRun.run(setup, caller, bounds, out, parent.terminal());
  }

  /**
   * Ctrl-C ends the run early; the JVM waits (a bounded time) until the summary of what ran so far
   * is printed and written.
   */
  private static void stopAndAwaitReport(RunBounds bounds, CountDownLatch reported) {
    bounds.stop();
    try {
      reported.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down (Ctrl-C): the hook is running and will end by itself
    }
  }

  private void validate() {
    for (String problem : new String[] {traffic.problems(), verdict.problems(), modeProblems()}) {
      if (!problem.isEmpty()) {
        throw new ParameterException(spec.commandLine(), problem);
      }
    }
  }

  private Optional<ApiKey> resolveApiKey(PrintWriter out) {
    Optional<ApiKey> key;
    try {
      key = ApiKey.resolve(traffic.apiKeyFile, parent.env());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    if (key.isEmpty()) {
      out.println("note: no API key (set " + ApiKey.ENV_VAR + " or --api-key-file); requests carry none");
    }
    return key;
  }

  private Optional<UpstreamStatsClient> findStub(HttpClient http, PrintWriter out) {
    if (upstream().isEmpty()) {
      return Optional.empty();
    }
    UpstreamStatsClient client = new UpstreamStatsClient(http, upstream().get());
    try {
      if (client.fetch(verdict.window, verdict.grace, System.currentTimeMillis()).isPresent()) {
        return Optional.of(client);
      }
    } catch (IOException e) {
      throw new UserError("cannot reach the upstream given with --upstream; is it running?");
    }
    out.println("note: the upstream serves no /stats, so the verdict comes from this client's own count");
    return Optional.empty();
  }

  private void writeFiles(RunSummary summary, PrintWriter out) {
    write(verdict.json, "summary", file -> JsonSummaryWriter.write(summary, file), out);
    write(verdict.report, "report", file -> HtmlReportWriter.write(summary, file), out);
  }

  private interface FileWriter {
    void write(Path file) throws IOException;
  }

  private static void write(Path file, String what, FileWriter writer, PrintWriter out) {
    if (file == null) {
      return;
    }
    try {
      writer.write(file);
      out.println(what + ": " + file.toAbsolutePath());
    } catch (IOException e) {
      throw new UserError("cannot write the " + what + " to " + file + ": " + e.getMessage());
    }
    out.flush();
  }

  private static int exitCode(RunSummary summary) {
    if (!summary.verdict().held()) {
      return ExitCodes.BUDGET_EXCEEDED;
    }
    if (summary.counts().sent() > 0 && summary.counts().admitted() == 0) {
      return ExitCodes.NOTHING_ADMITTED;
    }
    return ExitCodes.BUDGET_HELD;
  }
}
