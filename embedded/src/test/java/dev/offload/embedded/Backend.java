package dev.offload.embedded;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Where the servers for tests come from.
 *
 * <p>{@link #select} picks one: the environment variable {@value #ENV} (or system property {@value
 * #PROPERTY}) may force {@code embedded} or {@code containers}; by default ({@code auto})
 * containers are used when a Docker engine answers, otherwise the embedded servers.
 */
public enum Backend {
  /** Real servers started in-process (Kafka) or as a child process (PostgreSQL). */
  EMBEDDED,
  /** Testcontainers: the Apache Kafka image in KRaft mode and PostgreSQL with logical WAL. */
  CONTAINERS;

  /**
   * Environment variable that forces a backend: {@code auto}, {@code embedded}, {@code containers}.
   */
  public static final String ENV = "OFFLOAD_TEST_BACKEND";

  /** System property with the same meaning as {@link #ENV}; it wins over the environment. */
  public static final String PROPERTY = "offload.test.backend";

  /**
   * Chooses the backend.
   *
   * @param setting {@code null}, {@code auto}, {@code embedded} or {@code containers}
   * @param dockerAvailable asked only when the setting is {@code auto}
   * @throws IllegalArgumentException for any other setting
   */
  public static Backend select(String setting, BooleanSupplier dockerAvailable) {
    String value = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "", "auto" -> dockerAvailable.getAsBoolean() ? CONTAINERS : EMBEDDED;
      case "embedded" -> EMBEDDED;
      case "containers" -> CONTAINERS;
      default ->
          throw new IllegalArgumentException(
              ENV + " must be auto, embedded or containers, not '" + setting + "'");
    };
  }

  /** The setting from the system property, else the environment, else {@code null}. */
  public static String configuredSetting() {
    String property = System.getProperty(PROPERTY);
    return property != null ? property : System.getenv(ENV);
  }
}
