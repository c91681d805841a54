package dev.offload.embedded.registry.internal;

import dev.offload.schemas.registry.RegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the registry's records to the storage topic, one write at a time, so that no two
 * instances on the topic ever give out the same id or version.
 *
 * <p>The rule: every instance writes with the same transactional id (derived from the topic).
 * Before deciding anything, a writer owns the latest producer epoch for that id ({@code
 * initTransactions}, which fences every other instance's producer and ends its open transaction)
 * and has applied everything committed on the topic. It then decides (next id = highest id seen +
 * 1, next version = highest version of the subject + 1) and commits in a transaction. If another
 * instance initialised in between, the commit fails as fenced: nothing was written, and the writer
 * takes the epoch back, catches up and decides again (a few times, with a random growing pause).
 * Decisions are therefore always made on the complete history. A write is answered only once the
 * reader has applied it (read your writes) and the state shows it: a record that was committed into
 * a transaction the broker then aborted for a concurrent fence is retried like a fence.
 */
final class StoreWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
  private static final int MAX_ATTEMPTS = 8;
  private static final long BACKOFF_MS = 20;

  /** What one write appends (possibly nothing) and what the request answers once it is applied. */
  record Plan<T>(List<StoreRecord> records, T result) {
    static <T> Plan<T> nothing(T result) {
      return new Plan<>(List.of(), result);
    }

    static <T> Plan<T> of(StoreRecord record, T result) {
      return new Plan<>(List.of(record), result);
    }
  }

  /** Decides a write on the state as caught up; may refuse with a {@link RegistryException}. */
  @FunctionalInterface
  interface Planner<T> {
    Plan<T> plan();
  }

  private final Map<String, Object> producerProperties;
  private final Admin admin;
  private final TopicPartition partition;
  private final StoreReader reader;
  private final RegistryState state;
  private final Duration timeout;
  private Producer<String, String> producer;

  StoreWriter(
      Map<String, Object> producerProperties,
      Admin admin,
      TopicPartition partition,
      StoreReader reader,
      RegistryState state,
      Duration timeout) {
    this.producerProperties = producerProperties;
    this.admin = admin;
    this.partition = partition;
    this.reader = reader;
    this.state = state;
    this.timeout = timeout;
  }

  /**
   * Plans on the caught-up state and commits the planned records.
   *
   * @throws RegistryException the planner's refusal, or 50001/50002 when Kafka fails
   */
  synchronized <T> T write(Planner<T> planner) {
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(planner);
      } catch (KafkaException e) {
        discardProducer();
        if (!isConflict(e)) {
          throw RegistryErrors.storeError(e.getMessage(), e);
        }
        if (attempt == MAX_ATTEMPTS) {
          throw RegistryErrors.storeError("fenced by other instances " + attempt + " times", e);
        }
        log.debug("Another registry instance wrote to {}; catching up", partition.topic());
        backOff(attempt);
      }
    }
  }

  /**
   * Waits until the reader has applied everything committed on the topic now, without taking the
   * writer's epoch (so a starting instance does not fence a running one).
   */
  void catchUp(Duration within) {
    reader.awaitApplied(committedEnd(), within);
  }

  private <T> T attempt(Planner<T> planner) {
    ensureProducer();
    reader.awaitApplied(committedEnd(), timeout);
    Plan<T> plan = planner.plan();
    if (plan.records().isEmpty()) {
      return plan.result();
    }
    producer.beginTransaction();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (StoreRecord record : plan.records()) {
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  partition.topic(),
                  partition.partition(),
                  StoreCodec.key(record),
                  StoreCodec.value(record))));
    }
    commit();
    reader.awaitApplied(offsetOf(sent.get(sent.size() - 1)) + 1, timeout);
    // Read back: a transaction aborted by a concurrent fence must not be answered as written.
    if (!plan.records().stream().allMatch(state::reflects)) {
      throw new CommitConflict("the committed records were not read back");
    }
    return plan.result();
  }

  /**
   * Commits the open transaction. A commit refused while another instance fences this one can fail
   * with an unexpected server error instead of a fencing error (the broker finds the transaction
   * already being fenced, so it is aborted): that is a conflict too. Only a timeout leaves the
   * outcome unknown.
   */
  private void commit() {
    try {
      producer.commitTransaction();
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw e;
    } catch (KafkaException e) {
      throw new CommitConflict(e);
    }
  }

  /** A commit that failed because another instance took the writer's epoch. */
  private static final class CommitConflict extends KafkaException {
    private static final long serialVersionUID = 1L;

    CommitConflict(KafkaException cause) {
      super("commit refused: " + cause.getMessage(), cause);
    }

    CommitConflict(String message) {
      super(message);
    }
  }

  private void ensureProducer() {
    if (producer == null) {
      producer = new KafkaProducer<>(producerProperties);
      try {
        long start = System.nanoTime();
        producer.initTransactions();
        log.debug(
            "Took the writer epoch of {} in {} ms",
            partition.topic(),
            (System.nanoTime() - start) / 1_000_000);
      } catch (KafkaException e) {
        discardProducer();
        throw e;
      }
    }
  }

  /** The end of what is committed on the topic (the last stable offset). */
  private long committedEnd() {
    var options = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
    var result = admin.listOffsets(Map.of(partition, OffsetSpec.latest()), options);
    return get(result.partitionResult(partition), "reading the end of the schema store").offset();
  }

  private long offsetOf(Future<RecordMetadata> sent) {
    return get(sent, "writing to the schema store").offset();
  }

  private <V> V get(Future<V> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KafkaException k) {
        throw k;
      }
      throw RegistryErrors.storeError(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new RegistryException(
          "Operation timed out: " + what + " took longer than " + timeout,
          500,
          RegistryErrors.OPERATION_TIMEOUT,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryErrors.storeError("interrupted while " + what, e);
    }
  }

  /** Waits a random while, growing with the attempt, so two instances stop fencing each other. */
  private static void backOff(int attempt) {
    try {
      TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(BACKOFF_MS * attempt + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryErrors.storeError("interrupted while retrying a write", e);
    }
  }

  private static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException
          || t instanceof InvalidProducerEpochException
          || t instanceof CommitConflict) {
        return true;
      }
    }
    return false;
  }

  private void discardProducer() {
    if (producer != null) {
      producer.close(Duration.ZERO);
      producer = null;
    }
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(timeout);
      producer = null;
    }
  }
}
