package dev.offload.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.schemas.config.ConfigChecks;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keys of a configuration record, read from its components: every scalar and list a file may
 * set, with its dotted path and the one environment variable that overrides it. Mappings of free
 * keys (Kafka properties, topology sections) have no variable.
 */
final class ConfigKeys {
  private ConfigKeys() {}

  /**
   * One key.
   *
   * @param path its names from the root ({@code [database, jdbc-url]})
   * @param list whether it holds a list (an environment variable gives it comma-separated)
   * @param secret whether it is a {@link Secret}
   */
  record Key(List<String> path, boolean list, boolean secret) {
    String dotted() {
      return String.join(".", path);
    }

    String env() {
      return envName(dotted());
    }

    String name() {
      return path.get(path.size() - 1);
    }

    List<String> parent() {
      return path.subList(0, path.size() - 1);
    }
  }

  /** {@code OFFLOAD_} and the dotted path upper-cased, {@code -} and {@code .} as {@code _}. */
  static String envName(String dottedPath) {
    return "OFFLOAD_" + dottedPath.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /** The keys of record type {@code type}, depth first. */
  static List<Key> of(Class<?> type) {
    List<Key> keys = new ArrayList<>();
    collect(type, List.of(), keys);
    return List.copyOf(keys);
  }

  private static void collect(Class<?> type, List<String> prefix, List<Key> keys) {
    for (RecordComponent c : type.getRecordComponents()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(ConfigChecks.keyOf(c.getName()));
      Class<?> t = c.getType();
      if (t.isRecord()) {
        collect(t, path, keys);
      } else if (Map.class.isAssignableFrom(t)
          || JsonNode.class.isAssignableFrom(t)
          || t == Object.class) {
        continue;
      } else {
        boolean list = Collection.class.isAssignableFrom(t) || t.isArray();
        keys.add(new Key(List.copyOf(path), list, c.isAnnotationPresent(Secret.class)));
      }
    }
  }
}
