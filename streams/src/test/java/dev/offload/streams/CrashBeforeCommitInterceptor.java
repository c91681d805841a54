package dev.offload.streams;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Halts the JVM (exit code {@link #EXIT_CODE}, no shutdown hooks) on the Nth record a stream thread
 * sends, where N is system property {@value #AFTER_SENDS}: a crash after processing and inside the
 * open transaction, before it commits.
 */
public final class CrashBeforeCommitInterceptor implements ProducerInterceptor<byte[], byte[]> {
  /** System property: how many sends to let through before halting. */
  public static final String AFTER_SENDS = "offload.test.crash-after-sends";

  /** Exit code of the halt, so the test can tell this crash from any other exit. */
  public static final int EXIT_CODE = 99;

  private static final AtomicLong SENDS = new AtomicLong();

  @Override
  public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
    long limit = Long.getLong(AFTER_SENDS, Long.MAX_VALUE);
    if (SENDS.incrementAndGet() >= limit) {
      Runtime.getRuntime().halt(EXIT_CODE);
    }
    return record;
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}
