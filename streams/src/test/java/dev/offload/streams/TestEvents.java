package dev.offload.streams;

import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.streams.deadletter.DeadLetterHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;

/** Builds event headers and driver properties for tests. */
public final class TestEvents {
  private TestEvents() {}

  /** Headers of an event; a {@code null} argument leaves that header out. */
  public static Headers headers(String id, String type, String producer) {
    RecordHeaders h = new RecordHeaders();
    if (id != null) {
      h.add(OffloadHeaders.EVENT_ID, bytes(id));
    }
    if (type != null) {
      h.add(OffloadHeaders.EVENT_TYPE, bytes(type));
    }
    if (producer != null) {
      h.add(OffloadHeaders.PRODUCER, bytes(producer));
    }
    return h;
  }

  /** UTF-8 bytes. */
  public static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /** UTF-8 text of the last header {@code name}, or null. */
  public static String header(Headers headers, String name) {
    var h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** TopologyTestDriver properties with Offload's dead-letter handling. */
  public static Properties driverProperties(String applicationId, MeterRegistry registry) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    DeadLetterHandler.applyTo(p, Topics.deadLetters(applicationId), registry);
    return p;
  }
}
