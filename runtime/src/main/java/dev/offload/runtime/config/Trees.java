package dev.offload.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Reads and writes a YAML tree by a path of keys. */
final class Trees {
  private Trees() {}

  /** The node at {@code path}, or {@code null} when absent or below something not a mapping. */
  static JsonNode get(ObjectNode root, List<String> path) {
    JsonNode node = root;
    for (String key : path) {
      if (!(node instanceof ObjectNode object)) {
        return null;
      }
      node = object.get(key);
    }
    return node;
  }

  /** The mapping at {@code path}, or {@code null}. */
  static ObjectNode object(ObjectNode root, List<String> path) {
    return get(root, path) instanceof ObjectNode o ? o : null;
  }

  /**
   * Puts {@code value} at {@code path}, creating the mappings on the way; a scalar or null in the
   * way is replaced by a mapping.
   */
  static void put(ObjectNode root, List<String> path, JsonNode value) {
    ObjectNode node = root;
    for (String key : path.subList(0, path.size() - 1)) {
      JsonNode next = node.get(key);
      if (!(next instanceof ObjectNode)) {
        next = node.putObject(key);
      }
      node = (ObjectNode) next;
    }
    node.set(path.get(path.size() - 1), value);
  }

  /** Removes the node at {@code path}, and the mappings it leaves empty. */
  static void remove(ObjectNode root, List<String> path) {
    ObjectNode parent = object(root, path.subList(0, path.size() - 1));
    if (parent == null) {
      return;
    }
    parent.remove(path.get(path.size() - 1));
    if (parent.isEmpty() && path.size() > 1) {
      remove(root, path.subList(0, path.size() - 1));
    }
  }
}
