package dev.offload.schemas.registry;

import java.util.Locale;

/**
 * Schema compatibility levels, named as the Confluent Schema Registry names them.
 *
 * <p>BACKWARD: consumers on the new schema read data written with the old one. FORWARD: consumers
 * on the old schema read data written with the new one. FULL: both. The {@code _TRANSITIVE}
 * variants check against every earlier version of the subject, the others against the latest only.
 * The registry default is {@link #BACKWARD}.
 */
public enum CompatibilityLevel {
  /** No check. */
  NONE(false, false, false),
  /** The new schema reads data written with the latest one. */
  BACKWARD(true, false, false),
  /** The new schema reads data written with every earlier one. */
  BACKWARD_TRANSITIVE(true, false, true),
  /** The latest schema reads data written with the new one. */
  FORWARD(false, true, false),
  /** Every earlier schema reads data written with the new one. */
  FORWARD_TRANSITIVE(false, true, true),
  /** {@link #BACKWARD} and {@link #FORWARD}. */
  FULL(true, true, false),
  /** {@link #BACKWARD_TRANSITIVE} and {@link #FORWARD_TRANSITIVE}. */
  FULL_TRANSITIVE(true, true, true);

  /** The level of a registry that was never configured. */
  public static final CompatibilityLevel DEFAULT = BACKWARD;

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Whether the new schema must read data written with the existing ones. */
  public boolean backward() {
    return backward;
  }

  /** Whether the existing schemas must read data written with the new one. */
  public boolean forward() {
    return forward;
  }

  /** Whether every earlier version is checked, not only the latest. */
  public boolean transitive() {
    return transitive;
  }

  /**
   * Parses a level as the registry's JSON spells it, ignoring case.
   *
   * @throws IllegalArgumentException naming the unknown level
   */
  public static CompatibilityLevel parse(String level) {
    if (level != null) {
      for (CompatibilityLevel candidate : values()) {
        if (candidate.name().equals(level.trim().toUpperCase(Locale.ROOT))) {
          return candidate;
        }
      }
    }
    throw new IllegalArgumentException("unknown compatibility level: '" + level + "'");
  }
}
