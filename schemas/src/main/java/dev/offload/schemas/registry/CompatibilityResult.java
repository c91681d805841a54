package dev.offload.schemas.registry;

import java.util.List;
import java.util.Objects;

/**
 * The answer to "may this schema be registered under this subject?".
 *
 * @param compatible whether the schema passes the subject's compatibility level
 * @param messages why not, one line per incompatibility (empty when compatible; the registry may
 *     leave it empty even when not)
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
  /** A compatible result without messages. */
  public static final CompatibilityResult COMPATIBLE = new CompatibilityResult(true, List.of());

  /** Copies {@code messages}; a {@code null} list reads as empty. */
  public CompatibilityResult {
    messages = messages == null ? List.of() : List.copyOf(messages);
  }

  /** An incompatible result with the given reasons. */
  public static CompatibilityResult incompatible(List<String> messages) {
    return new CompatibilityResult(false, Objects.requireNonNull(messages, "messages"));
  }
}
