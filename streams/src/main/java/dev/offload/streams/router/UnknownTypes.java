package dev.offload.streams.router;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What the router does with an event type that its routing table does not name. */
public enum UnknownTypes {
  /** Drop it, counting it in metric {@code unknown-type-dropped-total}. */
  DROP,
  /** Send it to the configured catch-all topic. */
  CATCH_ALL;

  /** The name a configuration file gives: {@code drop} or {@code catch-all}. */
  @JsonValue
  public String fileValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The choice a configuration file names, in any case, {@code -} or {@code _}.
   *
   * @throws IllegalArgumentException naming {@code unknown-types}
   */
  @JsonCreator
  public static UnknownTypes of(String text) {
    String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (UnknownTypes u : values()) {
      if (u.name().equals(name)) {
        return u;
      }
    }
    throw new IllegalArgumentException(
        "unknown-types: '" + text + "' is not one of drop, catch-all");
  }
}
