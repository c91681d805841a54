package dev.offload.schemas.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.types.Password;

/**
 * How a Kafka client of any Offload role authenticates and encrypts: the {@code security.protocol},
 * the SASL mechanism, the JAAS login read from a file, and the TLS truststore.
 *
 * <p>The record holds only names and file paths, never a secret: the JAAS text and the truststore
 * password are read from their files each time {@link #clientProperties()} builds the client
 * properties, and handed to Kafka as {@link Password} values, which Kafka prints as {@code
 * [hidden]} when it logs its configuration. {@link #toString()} therefore cannot leak a secret.
 *
 * <p>Every role reads the same environment variables ({@link #fromEnvironment}):
 *
 * <ul>
 *   <li>{@value #PROTOCOL_ENV}: {@code PLAINTEXT} (default), {@code SSL}, {@code SASL_PLAINTEXT} or
 *       {@code SASL_SSL}
 *   <li>{@value #MECHANISM_ENV}: {@code SCRAM-SHA-512} (default with a SASL protocol), {@code
 *       SCRAM-SHA-256} or {@code PLAIN}
 *   <li>{@value #JAAS_FILE_ENV}: a file holding the {@code sasl.jaas.config} value, e.g. {@code
 *       org.apache.kafka.common.security.scram.ScramLoginModule required username="offload-api"
 *       password="…";}; required with a SASL protocol
 *   <li>{@value #TRUSTSTORE_ENV}: a truststore (PKCS12 or JKS) holding the broker's CA; optional
 *       with {@code SSL} and {@code SASL_SSL} (the JVM's default trust is used without it)
 *   <li>{@value #TRUSTSTORE_PASSWORD_FILE_ENV}: a file holding the truststore's password; optional
 * </ul>
 *
 * @param protocol Kafka {@code security.protocol}; default {@code PLAINTEXT}
 * @param saslMechanism Kafka {@code sasl.mechanism}, {@code null} without SASL
 * @param jaasConfigFile the file holding {@code sasl.jaas.config}, {@code null} without SASL
 * @param truststore the truststore file, or {@code null}
 * @param truststorePasswordFile the file holding the truststore password, or {@code null}
 */
public record KafkaClientSecurity(
    String protocol,
    String saslMechanism,
    Path jaasConfigFile,
    Path truststore,
    Path truststorePasswordFile) {

  /** Environment variable of {@link #protocol()}. */
  public static final String PROTOCOL_ENV = "OFFLOAD_KAFKA_SECURITY_PROTOCOL";

  /** Environment variable of {@link #saslMechanism()}. */
  public static final String MECHANISM_ENV = "OFFLOAD_KAFKA_SASL_MECHANISM";

  /** Environment variable of {@link #jaasConfigFile()}. */
  public static final String JAAS_FILE_ENV = "OFFLOAD_KAFKA_SASL_JAAS_CONFIG_FILE";

  /** Environment variable of {@link #truststore()}. */
  public static final String TRUSTSTORE_ENV = "OFFLOAD_KAFKA_SSL_TRUSTSTORE_LOCATION";

  /** Environment variable of {@link #truststorePasswordFile()}. */
  public static final String TRUSTSTORE_PASSWORD_FILE_ENV =
      "OFFLOAD_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE";

  /** The SASL mechanism used when a SASL protocol names none. */
  public static final String DEFAULT_MECHANISM = "SCRAM-SHA-512";

  private static final Set<String> PROTOCOLS =
      Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

  /**
   * Validates the combination and names the offending setting by its key in a file's {@code
   * kafka.security} section and its environment variable.
   */
  public KafkaClientSecurity {
    protocol = protocol == null || protocol.isBlank() ? "PLAINTEXT" : upper(protocol);
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException(
          named("protocol", PROTOCOL_ENV) + " must be one of " + PROTOCOLS + ", was: " + protocol);
    }
    boolean sasl = protocol.startsWith("SASL_");
    if (sasl) {
      saslMechanism =
          saslMechanism == null || saslMechanism.isBlank()
              ? DEFAULT_MECHANISM
              : upper(saslMechanism);
      if (!MECHANISMS.contains(saslMechanism)) {
        throw new IllegalArgumentException(
            named("sasl-mechanism", MECHANISM_ENV)
                + " must be one of "
                + MECHANISMS
                + ", was: "
                + saslMechanism);
      }
      if (jaasConfigFile == null) {
        throw new IllegalArgumentException(
            named("sasl-jaas-config-file", JAAS_FILE_ENV)
                + " is required with protocol "
                + protocol);
      }
    } else if (saslMechanism != null && !saslMechanism.isBlank() || jaasConfigFile != null) {
      throw new IllegalArgumentException(
          named("sasl-mechanism", MECHANISM_ENV)
              + " and sasl-jaas-config-file need a SASL protocol; protocol is "
              + protocol);
    } else {
      saslMechanism = null;
    }
    boolean tls = protocol.endsWith("SSL");
    if (!tls && (truststore != null || truststorePasswordFile != null)) {
      throw new IllegalArgumentException(
          named("ssl-truststore-location", TRUSTSTORE_ENV)
              + " needs protocol SSL or SASL_SSL; protocol is "
              + protocol);
    }
    if (truststorePasswordFile != null && truststore == null) {
      throw new IllegalArgumentException(
          named("ssl-truststore-password-file", TRUSTSTORE_PASSWORD_FILE_ENV)
              + " needs ssl-truststore-location ("
              + TRUSTSTORE_ENV
              + ")");
    }
  }

  /** No authentication, no encryption: {@code PLAINTEXT}, as on the embedded stack. */
  public static KafkaClientSecurity none() {
    return new KafkaClientSecurity("PLAINTEXT", null, null, null, null);
  }

  /**
   * SASL over {@code protocol} with {@code mechanism}, the login read from {@code jaasConfigFile}.
   */
  public static KafkaClientSecurity sasl(String protocol, String mechanism, Path jaasConfigFile) {
    return new KafkaClientSecurity(protocol, mechanism, jaasConfigFile, null, null);
  }

  /** The settings the environment variables above give; unset variables keep the defaults. */
  public static KafkaClientSecurity fromEnvironment(Map<String, String> env) {
    return from(Map.of(), env);
  }

  /**
   * The settings of a configuration file's {@code kafka.security} section, with the environment
   * variables above overriding it. Keys: {@code protocol}, {@code sasl-mechanism}, {@code
   * sasl-jaas-config-file}, {@code ssl-truststore-location}, {@code ssl-truststore-password-file}.
   *
   * @throws IllegalArgumentException on an unknown key or an invalid combination
   */
  public static KafkaClientSecurity from(Map<String, ?> section, Map<String, String> env) {
    Set<String> known =
        Set.of(
            "protocol",
            "sasl-mechanism",
            "sasl-jaas-config-file",
            "ssl-truststore-location",
            "ssl-truststore-password-file");
    for (String key : section.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "kafka.security." + key + ": unknown setting; known: " + known);
      }
    }
    return new KafkaClientSecurity(
        pick(env, PROTOCOL_ENV, section, "protocol"),
        pick(env, MECHANISM_ENV, section, "sasl-mechanism"),
        path(pick(env, JAAS_FILE_ENV, section, "sasl-jaas-config-file")),
        path(pick(env, TRUSTSTORE_ENV, section, "ssl-truststore-location")),
        path(pick(env, TRUSTSTORE_PASSWORD_FILE_ENV, section, "ssl-truststore-password-file")));
  }

  /**
   * These settings as a configuration file's {@code kafka.security} section, the keys {@link #from}
   * reads; only the ones set.
   */
  public Map<String, Object> section() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("protocol", protocol);
    putIfSet(s, "sasl-mechanism", saslMechanism);
    putIfSet(s, "sasl-jaas-config-file", jaasConfigFile);
    putIfSet(s, "ssl-truststore-location", truststore);
    putIfSet(s, "ssl-truststore-password-file", truststorePasswordFile);
    return s;
  }

  private static void putIfSet(Map<String, Object> section, String key, Object value) {
    if (value != null) {
      section.put(key, value.toString());
    }
  }

  /** Whether clients talk {@code PLAINTEXT}: no properties to add. */
  public boolean isPlaintext() {
    return "PLAINTEXT".equals(protocol);
  }

  /**
   * The Kafka client properties (producer, consumer, admin and Kafka Streams alike). Secrets are
   * read from their files now and returned as {@link Password} values.
   *
   * @throws IllegalStateException naming the file (never its content) when a file cannot be read
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("security.protocol", protocol);
    if (saslMechanism != null) {
      p.put("sasl.mechanism", saslMechanism);
      p.put("sasl.jaas.config", new Password(read(jaasConfigFile, JAAS_FILE_ENV)));
    }
    if (truststore != null) {
      if (!Files.isReadable(truststore)) {
        throw new IllegalStateException(
            "cannot read the Kafka truststore " + truststore + " (" + TRUSTSTORE_ENV + ")");
      }
      p.put("ssl.truststore.location", truststore.toString());
      p.put("ssl.truststore.type", type(truststore));
      if (truststorePasswordFile != null) {
        p.put(
            "ssl.truststore.password",
            new Password(read(truststorePasswordFile, TRUSTSTORE_PASSWORD_FILE_ENV)));
      }
    }
    return p;
  }

  /**
   * {@link #clientProperties()} with the secrets as plain text, for a configuration that takes a
   * {@code Map<String, String>} of client properties and hides their values when printed (such as
   * the schema registry's {@code RegistryServerConfig}). Never log the result.
   */
  public Map<String, String> clientPropertiesAsText() {
    Map<String, String> text = new LinkedHashMap<>();
    clientProperties()
        .forEach(
            (key, value) ->
                text.put(key, value instanceof Password p ? p.value() : String.valueOf(value)));
    return text;
  }

  /** Puts {@link #clientProperties()} into {@code properties}, replacing what was there. */
  public Properties applyTo(Properties properties) {
    properties.putAll(clientProperties());
    return properties;
  }

  /** Names the protocol, the mechanism and the files; never their content. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("KafkaClientSecurity[protocol=").append(protocol);
    if (saslMechanism != null) {
      s.append(", saslMechanism=").append(saslMechanism);
      s.append(", jaasConfigFile=").append(jaasConfigFile);
    }
    if (truststore != null) {
      s.append(", truststore=").append(truststore);
    }
    if (truststorePasswordFile != null) {
      s.append(", truststorePasswordFile=").append(truststorePasswordFile);
    }
    return s.append(']').toString();
  }

  private static String read(Path file, String env) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw new IllegalStateException("the file " + file + " (" + env + ") is empty");
      }
      return text;
    } catch (IOException e) {
      // The exception's own message names only the path; the content never reaches it.
      throw new IllegalStateException(
          "cannot read " + file + " (" + env + "): " + e.getClass().getSimpleName(), e);
    }
  }

  private static String type(Path truststore) {
    String name = truststore.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".jks") ? "JKS" : name.endsWith(".pem") ? "PEM" : "PKCS12";
  }

  private static String pick(
      Map<String, String> env, String variable, Map<String, ?> section, String key) {
    String fromEnv = env.get(variable);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    Object fromFile = section.get(key);
    return fromFile == null ? null : String.valueOf(fromFile).strip();
  }

  private static Path path(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  /** A setting as the user writes it: its file key, and the variable that overrides it. */
  private static String named(String key, String variable) {
    return "kafka.security." + key + " (" + variable + ")";
  }

  private static String upper(String value) {
    return value.strip().toUpperCase(Locale.ROOT);
  }
}
