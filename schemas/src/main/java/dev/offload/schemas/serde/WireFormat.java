package dev.offload.schemas.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian integer,
 * then the Avro binary encoding of the datum. Kafka Connect's AvroConverter, kcat and ksqlDB read
 * it.
 */
public final class WireFormat {
  /** The first byte of every value in this format. */
  public static final byte MAGIC_BYTE = 0;

  /** Bytes before the Avro data: magic byte and schema id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** The 5 header bytes for {@code schemaId}. */
  public static byte[] header(int schemaId) {
    return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
  }

  /** Whether {@code data} is long enough and starts with the magic byte. */
  public static boolean hasHeader(byte[] data) {
    return data != null && data.length >= HEADER_SIZE && data[0] == MAGIC_BYTE;
  }

  /**
   * The schema id in {@code data}'s header.
   *
   * @throws IllegalArgumentException when {@code data} has no header
   */
  public static int schemaId(byte[] data) {
    if (!hasHeader(data)) {
      throw new IllegalArgumentException("not in the Confluent wire format");
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }
}
