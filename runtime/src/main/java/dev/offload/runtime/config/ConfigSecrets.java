package dev.offload.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads the secrets of a configuration tree from their files, and hides them for printing. */
final class ConfigSecrets {
  /** A free property (a Kafka client property, say) whose name says it holds a secret. */
  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(password|secret|jaas|credential|token).*");

  private ConfigSecrets() {}

  /**
   * Replaces each secret's {@code <name>-file} sibling by the file's content, stripped.
   *
   * @throws IllegalArgumentException naming the key and the file (never the content)
   */
  static void readFiles(ObjectNode tree, List<ConfigKeys.Key> keys) {
    for (ConfigKeys.Key key : keys) {
      ObjectNode parent = key.secret() ? Trees.object(tree, key.parent()) : null;
      JsonNode file = parent == null ? null : parent.get(key.name() + "-file");
      if (file == null) {
        continue;
      }
      parent.remove(key.name() + "-file");
      if (file.isNull() || file.asText().isBlank()) {
        continue;
      }
      String field = key.dotted() + "-file";
      try {
        parent.put(
            key.name(), Files.readString(Path.of(file.asText()), StandardCharsets.UTF_8).strip());
      } catch (IOException | RuntimeException e) {
        // the exception's own message names only the path; the content never reaches it
        throw new IllegalArgumentException(
            field + ": cannot read " + file.asText() + " (" + e.getClass().getSimpleName() + ")",
            e);
      }
    }
  }

  /** Shows every secret of {@code tree}, and every free property named like one, as the mask. */
  static void mask(ObjectNode tree, List<ConfigKeys.Key> keys) {
    for (ConfigKeys.Key key : keys) {
      ObjectNode parent = key.secret() ? Trees.object(tree, key.parent()) : null;
      JsonNode value = parent == null ? null : parent.get(key.name());
      if (value != null && !value.isNull() && !value.asText().isEmpty()) {
        parent.put(key.name(), ConfigLoader.MASK);
      }
    }
    maskByName(tree);
  }

  private static void maskByName(ObjectNode node) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      JsonNode value = e.getValue();
      if (value instanceof ObjectNode child) {
        maskByName(child);
      } else if (value.isTextual()
          && !value.asText().isEmpty()
          && SECRET_NAME.matcher(name).matches()
          && !name.endsWith("file")
          && !name.endsWith("location")) {
        e.setValue(node.textNode(ConfigLoader.MASK));
      }
    }
  }
}
