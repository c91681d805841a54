package dev.offload.runtime.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenTelemetry messaging attributes of a span that sent or processed a Kafka record, named as
 * the conventions in use say.
 *
 * <p>By default the names are those OpenTelemetry's Java instrumentation of Kafka writes today
 * ({@code messaging.operation}, {@code messaging.kafka.message.offset}, {@code
 * messaging.kafka.consumer.group}), so that Offload's spans sit beside an instrumented app's in the
 * same queries. The newer conventions ({@code messaging.operation.type}, {@code
 * messaging.kafka.offset}, {@code messaging.consumer.group.name}) are chosen the way the messaging
 * conventions prescribe: {@code OTEL_SEMCONV_STABILITY_OPT_IN=messaging} writes only them, {@code
 * messaging/dup} writes both. Names the two share ({@code messaging.system}, {@code
 * messaging.destination.name}, {@code messaging.destination.partition.id}) are written once.
 */
public enum KafkaSpans {
  /** The names OpenTelemetry's Java instrumentation writes by default. */
  OLDER(true, false),
  /** The newer names only: {@code OTEL_SEMCONV_STABILITY_OPT_IN=messaging}. */
  NEWER(false, true),
  /** Both: {@code OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup}, while dashboards move over. */
  BOTH(true, true);

  /** The variable the conventions are chosen by. */
  public static final String OPT_IN = "OTEL_SEMCONV_STABILITY_OPT_IN";

  /** The offset a span read or wrote, under the older name. */
  public static final String OFFSET_OLDER = "messaging.kafka.message.offset";

  /** The offset a span read or wrote, under the newer name. */
  public static final String OFFSET_NEWER = "messaging.kafka.offset";

  /** The partition, a name both conventions share. */
  public static final String PARTITION = "messaging.destination.partition.id";

  /** The topic, a name both conventions share. */
  public static final String TOPIC = "messaging.destination.name";

  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> TOPIC_KEY = AttributeKey.stringKey(TOPIC);
  private static final AttributeKey<String> PARTITION_KEY = AttributeKey.stringKey(PARTITION);
  private static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("messaging.operation");
  private static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<Long> OFFSET_OLDER_KEY = AttributeKey.longKey(OFFSET_OLDER);
  private static final AttributeKey<Long> OFFSET_NEWER_KEY = AttributeKey.longKey(OFFSET_NEWER);
  private static final AttributeKey<String> GROUP_OLDER =
      AttributeKey.stringKey("messaging.kafka.consumer.group");
  private static final AttributeKey<String> GROUP_NEWER =
      AttributeKey.stringKey("messaging.consumer.group.name");

  /** The conventions of this process, from its {@value #OPT_IN}. */
  public static final KafkaSpans CURRENT = fromEnvironment(System.getenv());

  private final boolean older;
  private final boolean newer;

  KafkaSpans(boolean older, boolean newer) {
    this.older = older;
    this.newer = newer;
  }

  /**
   * The conventions {@value #OPT_IN} chooses: a comma-separated list in which {@code messaging}
   * picks the newer names and {@code messaging/dup} both; the older names otherwise.
   */
  public static KafkaSpans fromEnvironment(Map<String, String> env) {
    String optIn = env.getOrDefault(OPT_IN, "");
    KafkaSpans chosen = OLDER;
    for (String value : optIn.split(",")) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (v.equals("messaging/dup")) {
        return BOTH;
      }
      if (v.equals("messaging")) {
        chosen = NEWER;
      }
    }
    return chosen;
  }

  /** Attributes of a span that sent a record (to be completed by {@link #record}). */
  public Attributes send() {
    return named(kafka(), OPERATION, "publish", OPERATION_TYPE, "send").build();
  }

  /** Attributes of a span that processed a record, in consumer group {@code group} if any. */
  public Attributes process(String group) {
    AttributesBuilder b = named(kafka(), OPERATION, "process", OPERATION_TYPE, "process");
    return (group == null ? b : named(b, GROUP_OLDER, group, GROUP_NEWER, group)).build();
  }

  /** Where a record is: its topic, partition and offset. */
  public Attributes record(String topic, int partition, long offset) {
    AttributesBuilder b =
        Attributes.builder().put(TOPIC_KEY, topic).put(PARTITION_KEY, Integer.toString(partition));
    return named(b, OFFSET_OLDER_KEY, offset, OFFSET_NEWER_KEY, offset).build();
  }

  private static AttributesBuilder kafka() {
    return Attributes.builder().put(SYSTEM, "kafka");
  }

  /** One attribute under its older name, its newer one or both, as these conventions say. */
  private <T> AttributesBuilder named(
      AttributesBuilder b,
      AttributeKey<T> olderKey,
      T olderValue,
      AttributeKey<T> newerKey,
      T newerValue) {
    if (older) {
      b.put(olderKey, olderValue);
    }
    if (newer) {
      b.put(newerKey, newerValue);
    }
    return b;
  }
}
