package dev.offload.runtime.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Lays the environment and a command's options over a configuration tree: one variable per key by
 * the rule of {@link ConfigKeys#envName}, the legacy names of a key with a warning, a secret's
 * {@code _FILE} variable.
 */
final class ConfigOverrides {
  private final List<ConfigKeys.Key> keys;
  private final Map<String, List<String>> legacyByPath = new LinkedHashMap<>();
  private final Consumer<String> warnings;

  ConfigOverrides(
      List<ConfigKeys.Key> keys, Map<String, String> legacyEnv, Consumer<String> warnings) {
    this.keys = keys;
    this.warnings = warnings;
    legacyEnv.forEach(
        (name, path) -> legacyByPath.computeIfAbsent(path, p -> new ArrayList<>()).add(name));
  }

  void applyEnvironment(ObjectNode tree, Map<String, String> env) {
    for (ConfigKeys.Key key : keys) {
      if (key.secret()) {
        List<String> filePath = new ArrayList<>(key.parent());
        filePath.add(key.name() + "-file");
        String file = variable(env, String.join(".", filePath), legacyByPath, true, warnings);
        if (file != null) {
          Trees.remove(tree, key.path());
          Trees.put(tree, filePath, tree.textNode(file));
        }
        String secret = variable(env, key.dotted(), legacyByPath, true, warnings);
        if (secret != null) {
          Trees.remove(tree, filePath);
          Trees.put(tree, key.path(), tree.textNode(secret));
        }
        continue;
      }
      String value = variable(env, key.dotted(), legacyByPath, false, warnings);
      if (value != null) {
        Trees.put(tree, key.path(), key.list() ? list(tree, value) : tree.textNode(value));
      }
    }
  }

  void applyOptions(ObjectNode tree, Map<String, String> options) {
    options.forEach(
        (path, value) -> {
          ConfigKeys.Key key =
              keys.stream()
                  .filter(k -> k.dotted().equals(path) && !k.secret())
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              path + ": not a key that an option may set"));
          if (value != null) {
            Trees.put(tree, key.path(), key.list() ? list(tree, value) : tree.textNode(value));
          }
        });
  }

  /**
   * The value of the variable of {@code dottedPath}, else of a legacy name of it (with a warning);
   * a blank value counts as unset except for a secret.
   */
  static String variable(
      Map<String, String> env,
      String dottedPath,
      Map<String, List<String>> legacyByPath,
      boolean secret,
      Consumer<String> warnings) {
    String name = ConfigKeys.envName(dottedPath);
    String value = env.get(name);
    boolean set = value != null && (secret || !value.isBlank());
    for (String legacy : legacyByPath.getOrDefault(dottedPath, List.of())) {
      String old = env.get(legacy);
      if (old != null && (secret || !old.isBlank())) {
        warnings.accept(
            legacy
                + " is deprecated and will be removed; set "
                + name
                + (set ? " (which is set, and wins)" : " instead"));
        if (!set) {
          value = old;
          set = true;
        }
      }
    }
    return set ? value : null;
  }

  private static ArrayNode list(ObjectNode tree, String commaSeparated) {
    ArrayNode items = tree.arrayNode();
    for (String item : commaSeparated.split(",")) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return items;
  }
}
