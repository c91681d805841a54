package dev.offload.schemas.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;

/**
 * The checks configuration records make of their components, each refusing a value with an {@link
 * IllegalArgumentException} whose message starts with the key as a file names it ({@code
 * database.pool-size must be at least 1, was: 0}), so that every role words the same mistake the
 * same way.
 *
 * <p>A record bound by the configuration loader (runtime's {@code ConfigLoader}) declares its
 * checks as annotations on its components ({@code @AtLeast(1) int poolSize}), which {@link #check}
 * applies to the whole tree of records once it is built, naming each key by its dotted path. A
 * component without {@link Nullable} must not be null. The rules that span components ({@link
 * Rules}) are checked after them.
 *
 * <p>A record that code builds (a library's settings: {@code LagMonitorConfig}, {@code
 * EmailConfig}, a benchmark's) declares its checks the same way, and the component built from it
 * checks it, as a Kafka client checks its properties when it is constructed. A check that no
 * annotation states stays in the record's compact constructor.
 */
public final class ConfigChecks {
  private static final PropertyNamingStrategies.KebabCaseStrategy KEBAB =
      new PropertyNamingStrategies.KebabCaseStrategy();

  private ConfigChecks() {}

  /**
   * The file key of a record component: its name in kebab case ({@code jdbcUrl}: {@code jdbc-url}).
   */
  public static String keyOf(String componentName) {
    return KEBAB.translate(componentName);
  }

  /** A configuration record with rules that span its components, checked after those. */
  public interface Rules {
    /**
     * Checks the rules.
     *
     * @throws IllegalArgumentException naming the keys at fault by their path within this record;
     *     checked as a section, the section's path is put in front ({@code smtp.} + {@code password
     *     is set but user is not})
     */
    void checkRules();
  }

  /** The component may be null (a key with no value). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Nullable {}

  /** {@link ConfigChecks#text}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Text {}

  /**
   * A number at least {@code value}: an {@code int} as {@link ConfigChecks#atLeast} checks it, or a
   * {@code double}.
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface AtLeast {
    /** The least value allowed. */
    int value();
  }

  /** {@link ConfigChecks#port}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Port {
    /** The least port allowed: {@code -1} (no listener), {@code 0} (any free one) or {@code 1}. */
    int value();
  }

  /** {@link ConfigChecks#positive}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Positive {}

  /** {@link ConfigChecks#notNegative}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface NotNegative {}

  /** {@link ConfigChecks#millis}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Millis {}

  /**
   * Applies the annotated checks of {@code config} and of every section it holds (a record declared
   * in the same top-level type, {@code ApiConfig.Http} in {@code ApiConfig}, or one that declares
   * checks of its own, {@code LagMonitorConfig} in {@code OpsServerConfig}; any other record, such
   * as {@code KafkaClientSecurity}, checks itself), and refuses a null component not marked {@link
   * Nullable}.
   *
   * @return {@code config}
   * @throws IllegalArgumentException naming the first key at fault by its dotted path
   */
  public static <R extends Record> R check(R config) {
    return check(config, "");
  }

  /** As {@link #check(Record)}, each key named after {@code prefix} ({@code "database."}). */
  public static <R extends Record> R check(R config, String prefix) {
    for (RecordComponent c : config.getClass().getRecordComponents()) {
      Object value = valueOf(config, c);
      String key = prefix + keyOf(c.getName());
      if (c.isAnnotationPresent(Text.class)) {
        text((String) value, key);
      } else if (c.isAnnotationPresent(AtLeast.class)) {
        int min = c.getAnnotation(AtLeast.class).value();
        require(
            value != null && ((Number) value).doubleValue() >= min,
            value,
            key,
            "must be at least " + min);
      } else if (c.isAnnotationPresent(Port.class)) {
        port((Integer) value, c.getAnnotation(Port.class).value(), key);
      } else if (c.isAnnotationPresent(Positive.class)) {
        positive((Duration) value, key);
      } else if (c.isAnnotationPresent(NotNegative.class)) {
        notNegative((Duration) value, key);
      } else if (c.isAnnotationPresent(Millis.class)) {
        millis((Duration) value, key);
      } else if (value == null && !c.isAnnotationPresent(Nullable.class)) {
        throw new IllegalArgumentException(key + " must not be null");
      } else if (value instanceof Record nested && isSection(nested, config)) {
        check(nested, key + ".");
      }
    }
    if (config instanceof Rules rules) {
      try {
        rules.checkRules();
      } catch (IllegalArgumentException e) {
        throw prefix.isEmpty() ? e : new IllegalArgumentException(prefix + e.getMessage(), e);
      }
    }
    return config;
  }

  private static boolean isSection(Record nested, Record config) {
    return topLevel(nested.getClass()) == topLevel(config.getClass())
        || Arrays.stream(nested.getClass().getRecordComponents())
            .flatMap(c -> Arrays.stream(c.getAnnotations()))
            .anyMatch(a -> a.annotationType().getEnclosingClass() == ConfigChecks.class);
  }

  private static Class<?> topLevel(Class<?> type) {
    return type.getEnclosingClass() == null ? type : topLevel(type.getEnclosingClass());
  }

  /** The value of component {@code c} of {@code config}. */
  static Object valueOf(Record config, RecordComponent c) {
    try {
      c.getAccessor().setAccessible(true);
      return c.getAccessor().invoke(config);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + c, e);
    }
  }

  /** Requires text that is not blank. */
  public static String text(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " must not be blank");
    }
    return value;
  }

  /** Requires at least {@code min}. */
  public static int atLeast(int value, int min, String key) {
    return require(value >= min, value, key, "must be at least " + min);
  }

  /**
   * Requires a port from {@code min} to 65535 ({@code -1}: no listener, {@code 0}: any free one).
   */
  public static int port(int port, int min, String key) {
    return require(
        port >= min && port <= 65_535, port, key, "must be between " + min + " and 65535");
  }

  /** Requires a duration longer than zero. */
  public static Duration positive(Duration value, String key) {
    boolean ok = value != null && value.compareTo(Duration.ZERO) > 0;
    return require(ok, value, key, "must be a positive duration");
  }

  /** Requires a duration of zero or more. */
  public static Duration notNegative(Duration value, String key) {
    return require(value != null && !value.isNegative(), value, key, "must be zero or positive");
  }

  /** Requires a duration from 1 ms to 24 days, what a timer of {@code int} milliseconds holds. */
  public static Duration millis(Duration value, String key) {
    boolean ok = value != null && value.toMillis() >= 1 && value.toMillis() <= Integer.MAX_VALUE;
    return require(ok, value, key, "must be between 1 ms and 24 days");
  }

  private static <V> V require(boolean ok, V value, String key, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(key + " " + rule + ", was: " + value);
    }
    return value;
  }
}
