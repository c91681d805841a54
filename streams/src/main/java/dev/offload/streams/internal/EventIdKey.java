package dev.offload.streams.internal;

import org.apache.kafka.common.utils.Bytes;

/**
 * The compact state-store key of an event id: a canonical UUID (any letter case) becomes a tag byte
 * and its 16 bytes, 17 instead of 36; any other id becomes a different tag byte and its UTF-8
 * bytes, so the two forms never collide. Leading and trailing whitespace is ignored, as when the id
 * is read as text.
 */
public final class EventIdKey {
  private static final byte UUID_TAG = 1;
  private static final byte TEXT_TAG = 0;
  private static final int UUID_CHARS = 36;

  private EventIdKey() {}

  /**
   * The key of the id in {@code value} (an {@code offload-event-id} header value).
   *
   * @return {@code null} when the value is null, empty or only whitespace
   */
  public static Bytes of(byte[] value) {
    if (value == null) {
      return null;
    }
    int from = 0;
    int to = value.length;
    while (from < to && isBlank(value[from])) {
      from++;
    }
    while (to > from && isBlank(value[to - 1])) {
      to--;
    }
    if (from == to) {
      return null;
    }
    if (to - from == UUID_CHARS) {
      byte[] uuid = uuid(value, from);
      if (uuid != null) {
        return Bytes.wrap(uuid);
      }
    }
    byte[] key = new byte[to - from + 1];
    key[0] = TEXT_TAG;
    System.arraycopy(value, from, key, 1, to - from);
    return Bytes.wrap(key);
  }

  /** Tag byte and 16 bytes of the canonical UUID at {@code from}, or null when it is not one. */
  private static byte[] uuid(byte[] text, int from) {
    byte[] key = new byte[17];
    key[0] = UUID_TAG;
    int nibbles = 0;
    for (int i = 0; i < UUID_CHARS; i++) {
      byte c = text[from + i];
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return null;
        }
        continue;
      }
      int digit = Character.digit(c, 16);
      if (digit < 0) {
        return null;
      }
      int at = 1 + nibbles / 2;
      key[at] = (byte) (nibbles % 2 == 0 ? digit << 4 : key[at] | digit);
      nibbles++;
    }
    return key;
  }

  /** The same whitespace {@link String#trim()} removes. */
  private static boolean isBlank(byte b) {
    return b >= 0 && b <= ' ';
  }
}
