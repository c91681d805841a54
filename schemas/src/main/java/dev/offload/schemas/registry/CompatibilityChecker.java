package dev.offload.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The compatibility rules of the registry, on Avro's own schema resolution ({@link
 * SchemaCompatibility}): one implementation for {@link InMemorySchemaRegistry} and Offload's
 * registry server, so both accept and refuse the same schemas.
 */
public final class CompatibilityChecker {
  private CompatibilityChecker() {}

  /**
   * Checks {@code candidate} against the existing versions of a subject.
   *
   * @param level the subject's level
   * @param candidate the schema to register
   * @param existing the subject's schemas, oldest first (may be empty)
   * @return compatible, or incompatible with one message per problem found
   */
  public static CompatibilityResult check(
      CompatibilityLevel level, Schema candidate, List<Schema> existing) {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(candidate, "candidate");
    if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
      return CompatibilityResult.COMPATIBLE;
    }
    List<Schema> against =
        level.transitive() ? existing : List.of(existing.get(existing.size() - 1));
    List<String> messages = new ArrayList<>();
    for (int i = against.size() - 1; i >= 0; i--) {
      Schema old = against.get(i);
      if (level.backward()) {
        messages.addAll(problems(candidate, old, "new schema cannot read data written with"));
      }
      if (level.forward()) {
        messages.addAll(
            problems(old, candidate, "data written with the new schema cannot be read by"));
      }
    }
    return messages.isEmpty()
        ? CompatibilityResult.COMPATIBLE
        : CompatibilityResult.incompatible(messages);
  }

  private static List<String> problems(Schema reader, Schema writer, String what) {
    SchemaPairCompatibility pair =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    List<String> messages = new ArrayList<>();
    for (Incompatibility problem : pair.getResult().getIncompatibilities()) {
      messages.add(
          problem.getType()
              + " at '"
              + problem.getLocation()
              + "': "
              + problem.getMessage()
              + " ("
              + what
              + " an earlier schema)");
    }
    return messages;
  }
}
