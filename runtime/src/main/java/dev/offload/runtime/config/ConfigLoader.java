package dev.offload.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import dev.offload.schemas.kafka.KafkaConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a role's configuration file onto its record type {@code T}, the one way every role is
 * configured:
 *
 * <ol>
 *   <li>the YAML file is read; a key the record does not have is refused, naming the key's dotted
 *       path and the file;
 *   <li>each key is overridden by one environment variable, named by one rule: {@code OFFLOAD_} and
 *       the dotted path upper-cased, {@code -} and {@code .} as {@code _} ({@code
 *       database.jdbc-url} → {@code OFFLOAD_DATABASE_JDBC_URL}); a list takes its items
 *       comma-separated;
 *   <li>a {@link Secret} comes from its variable ({@code OFFLOAD_DATABASE_PASSWORD}) or from the
 *       file its {@code -file} sibling key names ({@code password-file}, or {@code
 *       OFFLOAD_DATABASE_PASSWORD_FILE}), never from the configuration file itself;
 *   <li>the Kafka security variables every role reads ({@code OFFLOAD_KAFKA_SECURITY_PROTOCOL},
 *       {@code OFFLOAD_KAFKA_SASL_…}, {@code OFFLOAD_KAFKA_SSL_…}: {@link KafkaClientSecurity})
 *       override the {@code security} of a {@link KafkaConfig} section;
 *   <li>a command's options override both ({@link #parse(String, String, Map, Map)});
 *   <li>keys left unset take the values of the defaults record;
 *   <li>the tree is bound onto {@code T} by Jackson: {@code 30s}-style durations, kebab-case keys;
 *       the records' compact constructors validate, then the {@link ConfigChecks} their components
 *       are annotated with, each naming the key's dotted path.
 * </ol>
 *
 * <p>Names a role used before this rule ({@code OFFLOAD_JDBC_URL}, a file's {@code jdbc:} section)
 * are declared with {@link #legacyEnv} and {@link #legacyKey}: they keep working for one release,
 * each logging one WARN that names the new name.
 *
 * @param <T> the role's configuration record
 */
public final class ConfigLoader<T> {
  /** What {@link #print} shows instead of a secret. */
  public static final String MASK = "****";

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  private static final ObjectMapper MAPPER = ConfigMapper.create();
  private static final TypeReference<Map<String, Object>> SECTION = new TypeReference<>() {};

  /** The deprecation warnings logged so far: each once per process, however often a file loads. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final Class<T> type;
  private final T defaults;
  private final String what;
  private final List<ConfigKeys.Key> keys;
  private final Map<String, String> legacyEnv = new LinkedHashMap<>();
  private final Map<String, String> legacyKeys = new LinkedHashMap<>();
  private Consumer<String> warnings = ConfigLoader::logOnce;

  private ConfigLoader(Class<T> type, T defaults, String what) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type + " is not a record");
    }
    this.type = type;
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.what = Objects.requireNonNull(what, "what");
    this.keys = ConfigKeys.of(type);
  }

  /**
   * A loader of record type {@code type}, whose unset keys take the values of {@code defaults} and
   * whose errors call it {@code what} ({@code "API configuration"}). Like Jackson's {@code
   * ObjectMapper}, it is set up by the methods below where it is declared, before it is first used.
   */
  public static <T> ConfigLoader<T> of(Class<T> type, T defaults, String what) {
    return new ConfigLoader<>(type, defaults, what);
  }

  /**
   * An environment variable read before the rule named its key: still read when the rule's own is
   * unset, with a WARN naming the new one. {@code dottedPath} may name a secret's {@code -file}.
   */
  public ConfigLoader<T> legacyEnv(String name, String dottedPath) {
    legacyEnv.put(name, dottedPath);
    return this;
  }

  /** A file key renamed: still read, moved to {@code newPath}, with a WARN. */
  public ConfigLoader<T> legacyKey(String oldPath, String newPath) {
    legacyKeys.put(oldPath, newPath);
    return this;
  }

  /** Where the deprecation warnings go; default the log, at WARN, each once per process. */
  public ConfigLoader<T> warnings(Consumer<String> warnings) {
    this.warnings = Objects.requireNonNull(warnings, "warnings");
    return this;
  }

  /** The environment variable of the key at {@code dottedPath}, by the one rule. */
  public static String envName(String dottedPath) {
    return ConfigKeys.envName(dottedPath);
  }

  /**
   * The value of the variable the rule names for {@code dottedPath}, else of the first of {@code
   * legacyNames} that is set (logging a WARN that names the new variable); {@code null} when none
   * is set. For a command that reads a few variables without a file ({@code offload apps}).
   */
  public static String variable(Map<String, String> env, String dottedPath, String... legacyNames) {
    Map<String, List<String>> legacy = Map.of(dottedPath, List.of(legacyNames));
    return ConfigOverrides.variable(env, dottedPath, legacy, false, ConfigLoader::logOnce);
  }

  /** The defaults with environment overrides, as from an empty file. */
  public T defaults(Map<String, String> env) {
    return parse("{}", env);
  }

  /**
   * Loads {@code file} (the defaults when {@code null}), with environment overrides and then {@code
   * options} as {@link #parse(String, String, Map, Map)} takes them.
   *
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalArgumentException naming the key at fault and the file
   */
  public T load(Path file, Map<String, String> env, Map<String, String> options) {
    return parse(text(file), file == null ? what : file.toString(), env, options);
  }

  /**
   * Parses YAML {@code text} of the role's file, with environment overrides; errors name it {@code
   * "the " + what}.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  public T parse(String text, Map<String, String> env) {
    return parse(text, "the " + what, env, Map.of());
  }

  /**
   * Parses YAML {@code text} read from {@code source}, with environment overrides and then {@code
   * options}: values by dotted key path ({@code http.port}), as a command line gives them (a list
   * comma-separated); secrets cannot be set this way.
   *
   * @throws IllegalArgumentException naming the key at fault and the source
   */
  public T parse(String text, String source, Map<String, String> env, Map<String, String> options) {
    return bound(text, source, env, options);
  }

  /**
   * The effective file ({@code file}, or the defaults when {@code null}, with environment overrides
   * and then {@code options}) as YAML, secrets masked: what a role's {@code --print-config} shows.
   *
   * @throws IllegalArgumentException as {@link #load(Path, Map, Map)} does
   */
  public String print(Path file, Map<String, String> env, Map<String, String> options) {
    return print(load(file, env, options));
  }

  private String text(Path file) {
    try {
      return file == null ? "{}" : Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + " " + file, e);
    }
  }

  private T bound(
      String text, String source, Map<String, String> env, Map<String, String> options) {
    ObjectNode tree = read(text, source);
    renameLegacyKeys(tree, source);
    refuseWrittenSecrets(tree, source);
    ConfigOverrides overrides = overrides();
    overrides.applyEnvironment(tree, env);
    overrides.applyOptions(tree, options);
    ConfigSecrets.readFiles(tree, keys);
    ObjectNode merged = MAPPER.valueToTree(defaults);
    merge(merged, tree);
    kafkaSecurity(merged, env);
    return bind(merged, type, source, "");
  }

  /**
   * {@code config} with {@code options} laid over it, by dotted key as {@link #parse(String,
   * String, Map, Map)} takes them: how code (a test, the dev stack) changes a few keys of a role's
   * configuration, validated as a file's are.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  public T with(T config, Map<String, String> options) {
    ObjectNode tree = MAPPER.valueToTree(config);
    overrides().applyOptions(tree, options);
    return bind(tree, type, what, "");
  }

  /**
   * {@code config} with the value at {@code dottedPath} replaced by {@code value} (a mapping, a
   * path, anything a file could hold there), checked again.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  public T with(T config, String dottedPath, Object value) {
    ObjectNode tree = MAPPER.valueToTree(config);
    Trees.put(tree, Arrays.asList(dottedPath.split("\\.")), MAPPER.valueToTree(value));
    return bind(tree, type, what, "");
  }

  /**
   * Binds one section of a file, read as a mapping (a topology's settings under {@code
   * topologies.<name>}), onto the record type of {@code defaults}: each key given replaces that
   * component of {@code defaults} whole, the others keep theirs. Keys, durations, enums and lists
   * are read as in a whole file, and an unknown key is refused.
   *
   * @param where the section's dotted path, which every error message starts with
   * @throws IllegalArgumentException naming the key at fault, as {@code where.key}
   */
  @SuppressWarnings("unchecked")
  public static <T extends Record> T bindSection(Map<String, ?> section, T defaults, String where) {
    ObjectNode tree = MAPPER.valueToTree(defaults);
    if (section != null) {
      tree.setAll((ObjectNode) MAPPER.valueToTree(section));
    }
    return bind(tree, (Class<T>) defaults.getClass(), where, where + ".");
  }

  /**
   * Binds {@code tree} onto {@code type}, then applies the {@link ConfigChecks} of its components;
   * errors read from {@code source} and start with {@code prefix}.
   */
  private static <R> R bind(ObjectNode tree, Class<R> type, String source, String prefix) {
    R config;
    try {
      config = MAPPER.treeToValue(tree, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      Throwable v = e instanceof ValueInstantiationException ? e : e.getCause();
      if (v instanceof ValueInstantiationException && v.getCause() instanceof RuntimeException c) {
        // a compact constructor refused a value: its message starts with the key
        throw prefix.isEmpty() ? c : new IllegalArgumentException(prefix + c.getMessage(), c);
      }
      throw new IllegalArgumentException(prefix + ConfigErrors.describe(e, source), e);
    }
    ConfigChecks.check((Record) config, prefix);
    return config;
  }

  /**
   * {@code config} as YAML in the file's own shape, every {@link Secret} (and every free property
   * whose name says password, secret or JAAS) shown as {@value #MASK}.
   */
  public String print(T config) {
    ObjectNode tree = MAPPER.valueToTree(config);
    ConfigSecrets.mask(tree, keys);
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + what, e);
    }
  }

  /**
   * Every environment variable this loader reads: one per key by the rule, a {@code _FILE} one per
   * secret, and the legacy names.
   */
  public Set<String> environmentVariables() {
    Set<String> names = new TreeSet<>(legacyEnv.keySet());
    for (ConfigKeys.Key key : keys) {
      names.add(key.env());
      if (key.secret()) {
        names.add(key.env() + "_FILE");
      }
    }
    return names;
  }

  private ObjectNode read(String text, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          source + " is not valid YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return MAPPER.createObjectNode();
    }
    if (!(root instanceof ObjectNode object)) {
      throw new IllegalArgumentException(
          "the configuration in " + source + ": expected a mapping, got a " + root.getNodeType());
    }
    return object;
  }

  private void renameLegacyKeys(ObjectNode tree, String source) {
    legacyKeys.forEach(
        (old, now) -> {
          List<String> from = Arrays.asList(old.split("\\."));
          JsonNode value = Trees.get(tree, from);
          if (value == null) {
            return;
          }
          warnings.accept(
              old + " in " + source + " is deprecated and will be removed; write " + now);
          Trees.remove(tree, from);
          List<String> to = Arrays.asList(now.split("\\."));
          if (Trees.get(tree, to) == null) {
            Trees.put(tree, to, value);
          }
        });
  }

  private void refuseWrittenSecrets(ObjectNode tree, String source) {
    for (ConfigKeys.Key key : keys) {
      JsonNode value = Trees.get(tree, key.path());
      if (key.secret() && value != null && !value.isNull()) {
        throw new IllegalArgumentException(
            key.dotted()
                + ": a secret is never written in "
                + source
                + "; set "
                + key.env()
                + " or "
                + key.name()
                + "-file");
      }
    }
  }

  /**
   * Lays the variables of {@link KafkaClientSecurity} ({@code OFFLOAD_KAFKA_SECURITY_PROTOCOL},
   * {@code OFFLOAD_KAFKA_SASL_…}, {@code OFFLOAD_KAFKA_SSL_…}) over the {@code security} of each
   * top-level {@link KafkaConfig} section, as every Kafka client of every role reads them.
   */
  private void kafkaSecurity(ObjectNode tree, Map<String, String> env) {
    for (RecordComponent c : type.getRecordComponents()) {
      if (c.getType() == KafkaConfig.class
          && tree.get(ConfigChecks.keyOf(c.getName())) instanceof ObjectNode kafka
          && kafka.get("security") instanceof ObjectNode section) {
        Map<String, Object> security = MAPPER.convertValue(section, SECTION);
        kafka.set(
            "security", MAPPER.valueToTree(KafkaClientSecurity.from(security, env).section()));
      }
    }
  }

  /** Lays {@code overrides} over {@code base}: mappings key by key, anything else replaced. */
  private static void merge(ObjectNode base, ObjectNode overrides) {
    for (Map.Entry<String, JsonNode> e : overrides.properties()) {
      if (base.get(e.getKey()) instanceof ObjectNode c && e.getValue() instanceof ObjectNode v) {
        merge(c, v);
      } else if (!e.getValue().isNull()) {
        base.set(e.getKey(), e.getValue());
      }
    }
  }

  private static void logOnce(String warning) {
    if (WARNED.add(warning)) {
      LOG.warn(warning);
    }
  }

  private ConfigOverrides overrides() {
    return new ConfigOverrides(keys, legacyEnv, warnings);
  }
}
