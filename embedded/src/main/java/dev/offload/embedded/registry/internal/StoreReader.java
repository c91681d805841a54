package dev.offload.embedded.registry.internal;

import dev.offload.schemas.registry.RegistryException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that reads the storage topic from its beginning, applies every committed record to the
 * {@link RegistryState}, and tells waiting writers how far it got.
 */
final class StoreReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreReader.class);

  private final Consumer<String, String> consumer;
  private final TopicPartition partition;
  private final RegistryState state;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** The offset of the next record to read; -1 until the reader has found the beginning. */
  private long position = -1;

  private volatile RuntimeException failure;
  private volatile boolean started;

  StoreReader(
      Map<String, Object> consumerProperties, TopicPartition partition, RegistryState state) {
    this.consumer = new KafkaConsumer<>(consumerProperties);
    this.partition = partition;
    this.state = state;
    this.thread = new Thread(this::run, "offload-registry-reader-" + partition.topic());
    this.thread.setDaemon(true);
  }

  void start() {
    started = true;
    thread.start();
  }

  /**
   * Waits until every record before {@code offset} has been applied.
   *
   * @throws RegistryException with 50002 when that takes longer than {@code timeout}
   */
  synchronized void awaitApplied(long offset, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (position < offset) {
        if (failure != null) {
          throw RegistryErrors.storeError("the schema store reader failed: " + failure, failure);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || stopped.getCount() == 0) {
          throw new RegistryException(
              "Operation timed out: the schema store was not read up to offset "
                  + offset
                  + " within "
                  + timeout,
              500,
              RegistryErrors.OPERATION_TIMEOUT);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryErrors.storeError("interrupted while reading the schema store", e);
    }
  }

  private void run() {
    try {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      while (stopped.getCount() > 0) {
        pollOnce();
      }
    } catch (WakeupException e) {
      log.debug("Schema store reader of {} stopped", partition.topic());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("Schema store reader of {} failed; writes will fail", partition.topic(), e);
      failure = e;
      synchronized (this) {
        notifyAll();
      }
    } finally {
      consumer.close(Duration.ZERO);
    }
  }

  private void pollOnce() throws InterruptedException {
    try {
      // Known before polling, so a reader of an empty topic is caught up at once.
      advanceTo(consumer.position(partition));
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
        apply(record);
      }
      advanceTo(consumer.position(partition));
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      // poll retries connection problems itself: what reaches here persists, so back off.
      log.warn("Reading schema store {} failed; retrying in 1 s", partition.topic(), e);
      stopped.await(1, TimeUnit.SECONDS);
    }
  }

  private void apply(ConsumerRecord<String, String> record) {
    try {
      state.apply(StoreCodec.decode(record.key(), record.value()));
    } catch (IllegalArgumentException e) {
      log.warn(
          "Skipping unreadable record at offset {} of {}: {}",
          record.offset(),
          partition.topic(),
          e.getMessage());
    }
  }

  private synchronized void advanceTo(long next) {
    position = Math.max(position, next);
    notifyAll();
  }

  /** Stops the thread and waits for it. */
  @Override
  public void close() {
    stopped.countDown();
    if (!started) {
      consumer.close(Duration.ZERO);
      return;
    }
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      notifyAll();
    }
  }
}
