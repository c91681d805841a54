package dev.offload.app;

import dev.offload.bench.DemoLoad;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code offload demo}: a steady stream of realistic events against any running API. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Publish a gentle, steady stream of realistic mixed events to a running ingest API until",
      "Ctrl-C: sign-ups with plausible names and addresses (the email worker mails them), edited",
      "documents with titles and bodies (indexed, searchable), page views over a site's paths by",
      "fifty users (counted per minute), and one event in 200, the first a few seconds in, that",
      "the email worker dead-letters (a sign-up whose address lacks its @), so the dashboard",
      "shows a dead letter. Prints a line every 10 s with the requests sent, accepted (202) and",
      "refused. `offload dev --demo` runs the same inside the dev stack."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--api-url",
      defaultValue = "http://127.0.0.1:8080",
      description = "Base URL of the ingest API (default: ${DEFAULT-VALUE}, offload dev's).")
  String apiUrl;

  @Option(
      names = "--api-key",
      description =
          "API key of the app to publish as (offload apps create); default: none, which offload"
              + " dev accepts as its built-in app 'dev'. Also read from $OFFLOAD_API_KEY.")
  String apiKey;

  @Option(
      names = "--rate",
      defaultValue = "" + DemoLoad.DEFAULT_RATE,
      description = "Events per second, 1-" + DemoLoad.MAX_RATE + " (default: ${DEFAULT-VALUE}).")
  int rate;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String key = apiKey != null ? apiKey : System.getenv("OFFLOAD_API_KEY");
    DemoLoad demo;
    try {
      demo = DemoLoad.start(apiUrl, key == null || key.isBlank() ? null : key, rate, out);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  demo.close();
                  stopped.countDown();
                },
                "offload-demo-stop"));
    stopped.await();
    return 0;
  }
}
