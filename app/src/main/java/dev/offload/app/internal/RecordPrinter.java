package dev.offload.app.internal;

import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.serde.AvroDeserializer;
import dev.offload.schemas.serde.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;

/**
 * Formats a record for a person: position and time, key, headers and the decoded value.
 *
 * <p>A value in the Confluent wire format is decoded with its writer's schema from the schema
 * registry and printed as JSON text. While the registry cannot be reached it is described instead
 * ({@code <avro, schema id 3, 42 bytes>}), a warning says so once, and the registry is asked again
 * after {@link #REGISTRY_RETRY}. Other values print as UTF-8 text, or hex when they are not text.
 * Not thread-safe.
 */
public final class RecordPrinter {
  /** How long the printer leaves an unreachable registry alone before asking it again. */
  public static final Duration REGISTRY_RETRY = Duration.ofSeconds(30);

  private static final int MAX_HEX_BYTES = 64;

  private final AvroDeserializer<GenericRecord> avro;
  private final Consumer<String> warnings;
  private final Clock clock;
  private Instant registryRetryAt;

  private RecordPrinter(
      AvroDeserializer<GenericRecord> avro, Consumer<String> warnings, Clock clock) {
    this.avro = avro;
    this.warnings = warnings;
    this.clock = clock;
  }

  /**
   * A printer that decodes Avro values with {@code registry}.
   *
   * @param warnings where to say that the registry cannot be reached
   */
  public static RecordPrinter withRegistry(
      SchemaRegistry registry, Consumer<String> warnings, Clock clock) {
    return new RecordPrinter(
        AvroDeserializer.generic(registry),
        Objects.requireNonNull(warnings, "warnings"),
        Objects.requireNonNull(clock, "clock"));
  }

  /** A printer that describes Avro values without decoding them. */
  public static RecordPrinter withoutRegistry() {
    return new RecordPrinter(null, message -> {}, Clock.systemUTC());
  }

  /** A few lines describing {@code record}. */
  public String format(ConsumerRecord<byte[], byte[]> record) {
    StringBuilder sb = new StringBuilder();
    sb.append(record.topic())
        .append("  partition ")
        .append(record.partition())
        .append("  offset ")
        .append(record.offset())
        .append("  ")
        .append(Instant.ofEpochMilli(record.timestamp()))
        .append('\n');
    sb.append("  key      ").append(decode(record.key())).append('\n');
    sb.append("  headers ");
    for (Header header : record.headers()) {
      sb.append(' ').append(header.key()).append('=').append(decode(header.value()));
    }
    sb.append('\n');
    sb.append("  value    ").append(value(record));
    return sb.toString();
  }

  /** The value of {@code record}: Avro as JSON text when the registry answers, else decoded. */
  public String value(ConsumerRecord<byte[], byte[]> record) {
    byte[] bytes = record.value();
    if (!WireFormat.hasHeader(bytes) || avro == null || registryResting()) {
      return decode(bytes);
    }
    try {
      GenericRecord value =
          avro.deserialize(record.topic(), record.partition(), record.offset(), bytes);
      registryRetryAt = null;
      return GenericData.get().toString(value);
    } catch (SerializationException e) {
      if (e.getCause() instanceof RegistryException cause && cause.isRetryable()) {
        registryRetryAt = clock.instant().plus(REGISTRY_RETRY);
        warnings.accept(
            "cannot reach the schema registry ("
                + cause.getMessage()
                + "); Avro values are shown undecoded");
        return decode(bytes);
      }
      return describeAvro(bytes, e.getMessage());
    }
  }

  private boolean registryResting() {
    return registryRetryAt != null && clock.instant().isBefore(registryRetryAt);
  }

  /** Text when the bytes are UTF-8 text, a description of Confluent-framed Avro, else hex. */
  public static String decode(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    if (WireFormat.hasHeader(bytes)) {
      return describeAvro(bytes, null);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      int shown = Math.min(bytes.length, MAX_HEX_BYTES);
      String hex = HexFormat.of().formatHex(bytes, 0, shown);
      return "0x" + hex + (shown < bytes.length ? "... (" + bytes.length + " bytes)" : "");
    }
  }

  /** {@code <avro, schema id N, M bytes>}, with why it was not decoded when known. */
  private static String describeAvro(byte[] bytes, String notDecoded) {
    return "<avro, schema id "
        + WireFormat.schemaId(bytes)
        + ", "
        + (bytes.length - WireFormat.HEADER_SIZE)
        + " bytes"
        + (notDecoded == null ? "" : "; not decoded: " + notDecoded)
        + ">";
  }
}
