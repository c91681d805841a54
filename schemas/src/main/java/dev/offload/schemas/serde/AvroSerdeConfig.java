package dev.offload.schemas.serde;

import dev.offload.schemas.config.ConfigChecks.NotNegative;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;

/**
 * Options of {@link AvroSerializer}, {@link AvroDeserializer} and {@link AvroSerde}; the serializer
 * checks them ({@link dev.offload.schemas.config.ConfigChecks#check}) when it is built.
 *
 * @param subjectNameStrategy how subjects are named; default {@link SubjectNameStrategy#TOPIC_NAME}
 * @param registration how the serializer finds the schema id; default {@link
 *     RegistrationMode#AUTO_REGISTER}
 * @param key whether the serde handles record keys (subject {@code <topic>-key}) rather than
 *     values; default {@code false}
 * @param latestCacheTtl how long {@link RegistrationMode#USE_LATEST} keeps a subject's latest
 *     version before asking again; default 1 minute
 */
@RecordBuilder
public record AvroSerdeConfig(
    SubjectNameStrategy subjectNameStrategy,
    RegistrationMode registration,
    boolean key,
    @NotNegative Duration latestCacheTtl)
    implements AvroSerdeConfigBuilder.With {

  /** The defaults: values, topic-name subjects, auto-registration. */
  public static AvroSerdeConfig defaults() {
    return new AvroSerdeConfig(
        SubjectNameStrategy.TOPIC_NAME,
        RegistrationMode.AUTO_REGISTER,
        false,
        Duration.ofMinutes(1));
  }

  /** This configuration for record keys. */
  public AvroSerdeConfig forKeys() {
    return withKey(true);
  }
}
