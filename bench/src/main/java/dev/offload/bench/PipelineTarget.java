package dev.offload.bench;

import java.util.Optional;

/**
 * The running pipeline {@code offload bench pipeline} loads: an ingest API, the Kafka cluster the
 * connector captures into, and the database of the outbox, the apps, the workers' processed-event
 * marks and the page-view rollup. Closing it stops what it started, if anything.
 */
public interface PipelineTarget extends AutoCloseable {
  /** What is loaded, for the report's title, e.g. {@code in-process dev stack (outbox table)}. */
  String description();

  /** Base URL of the ingest API. */
  String apiUrl();

  /** Kafka bootstrap servers. */
  String bootstrapServers();

  /** JDBC URL of the database the API and the workers write (password in the URL if any). */
  String jdbcUrl();

  /** User of {@link #jdbcUrl()}. */
  String jdbcUser();

  /** The consumer group of {@code handler}'s worker; default {@code offload-worker-<handler>}. */
  default String group(String handler) {
    return "offload-worker-" + handler;
  }

  /** Where mails and indexed documents are seen, when they can be. */
  Optional<EffectProbe> effects();

  @Override
  void close();
}
