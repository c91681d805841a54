package dev.offload.app.internal;

import dev.offload.bench.EffectProbe;
import dev.offload.bench.PipelineTarget;
import dev.offload.consumers.handlers.index.SearchHit;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.embedded.EmbeddedSmtp;
import dev.offload.embedded.Ports;
import dev.offload.schemas.outbox.OutboxMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The pipeline of {@code offload dev}, started in this JVM on free ports in a fresh temporary data
 * directory, for {@code offload bench pipeline}; closing it stops the stack and deletes the data.
 */
public final class DevPipelineTarget implements PipelineTarget, EffectProbe {
  /** Ids per search: a search highlights every hit against every term of its query. */
  private static final int IDS_PER_SEARCH = 25;

  private final DevStack stack;
  private final Path dataDir;
  private final OutboxMode mode;

  private DevPipelineTarget(DevStack stack, Path dataDir, OutboxMode mode) {
    this.stack = stack;
    this.dataDir = dataDir;
    this.mode = mode;
  }

  /**
   * Starts a dev stack whose API writes events in {@code mode}, on free ports of a new temporary
   * directory. A port is free when picked and taken when bound, a moment later: a server starting
   * beside it (the broker's own listeners, another process) can take it in between. A start that
   * fails because a port was taken is tried again on other ports, twice at most.
   */
  public static DevPipelineTarget start(OutboxMode mode) {
    return start(mode, true);
  }

  /** As {@link #start(OutboxMode)}; without {@code spans}, the stack records none. */
  public static DevPipelineTarget start(OutboxMode mode, boolean spans) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnFreePorts(mode, spans);
      } catch (RuntimeException e) {
        if (attempt == 3 || !portTaken(e)) {
          throw e;
        }
        System.err.printf(
            "a port was taken while the in-process stack started (%s); trying other ports%n", e);
      }
    }
  }

  private static DevPipelineTarget startOnFreePorts(OutboxMode mode, boolean spans) {
    Path dir;
    try {
      dir = Files.createTempDirectory("offload-bench-pipeline-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary data directory", e);
    }
    DevPorts ports =
        new DevPorts(
            Ports.freePort(),
            Ports.freePort(),
            Ports.freePort(),
            Ports.freePort(),
            Ports.freePort(),
            Ports.freePort());
    try {
      DevStack stack =
          DevStack.start(
              ports,
              new WorkerPorts(Ports.freePort(), Ports.freePort()),
              dir,
              mode,
              created -> {
                if (!spans) {
                  created.keepNoSpans();
                }
              });
      return new DevPipelineTarget(stack, dir, mode);
    } catch (RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  /** Whether {@code e} or a cause of it says that a port was in use. */
  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof BindException
          || t instanceof Ports.PortInUseException
          || message.contains("already in use")
          || message.contains("server socket")
          || message.contains("could not start mail server")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String description() {
    return String.format(
        "in-process dev stack (outbox mode %s, started in %.1f s)",
        mode.name().toLowerCase(Locale.ROOT), stack.readyAfter().toMillis() / 1000.0);
  }

  @Override
  public String apiUrl() {
    return stack.apiUrl();
  }

  @Override
  public String bootstrapServers() {
    return stack.bootstrapServers();
  }

  @Override
  public String jdbcUrl() {
    return stack.jdbcUrl();
  }

  @Override
  public String jdbcUser() {
    return EmbeddedPostgres.USER;
  }

  @Override
  public String group(String handler) {
    return HandlerWorkers.group(handler);
  }

  @Override
  public Optional<EffectProbe> effects() {
    return Optional.of(this);
  }

  @Override
  public Map<String, Integer> mailsByEventId() {
    Map<String, Integer> mails = new HashMap<>();
    for (EmbeddedSmtp.ReceivedMail mail : stack.smtp().received()) {
      if (mail.eventId() != null) {
        mails.merge(mail.eventId(), 1, Integer::sum);
      }
    }
    return mails;
  }

  /** Searches for the ids in batches of {@value #IDS_PER_SEARCH}, one Lucene query each. */
  @Override
  public Map<String, Integer> documentHits(List<String> documentIds) {
    Map<String, Integer> hits = new HashMap<>();
    for (int from = 0; from < documentIds.size(); from += IDS_PER_SEARCH) {
      List<String> ids =
          documentIds.subList(from, Math.min(documentIds.size(), from + IDS_PER_SEARCH));
      // Twice as many hits as ids: a document indexed twice would show as two hits.
      for (SearchHit hit : index().search(String.join(" ", ids), 2 * ids.size())) {
        hits.merge(hit.id(), 1, Integer::sum);
      }
    }
    return hits;
  }

  @Override
  public long indexGeneration() {
    return index().count();
  }

  private SearchIndex index() {
    return stack.searchIndex();
  }

  @Override
  public void close() {
    try {
      stack.close();
    } finally {
      delete(dataDir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
