package dev.offload.runtime.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.EnumNamingStrategies;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one Jackson mapper configuration files are bound with: kebab-case keys, unknown keys refused,
 * {@code 30s}-style durations ({@link DurationText}), plain paths, and {@code true}/{@code false}
 * (or {@code yes}/{@code no}, {@code on}/{@code off}) for booleans.
 */
final class ConfigMapper {
  private ConfigMapper() {}

  /** A new mapper; thread-safe once built. */
  static ObjectMapper create() {
    SimpleModule module = new SimpleModule("offload-config");
    module.addDeserializer(Duration.class, new DurationDeserializer());
    module.addSerializer(Duration.class, new DurationSerializer());
    module.addDeserializer(Path.class, new PathDeserializer());
    module.addSerializer(Path.class, ToStringSerializer.instance);
    module.addSerializer(Pattern.class, ToStringSerializer.instance);
    module.addDeserializer(Boolean.class, new BooleanDeserializer());
    module.addDeserializer(boolean.class, new BooleanDeserializer());
    return YAMLMapper.builder(
            YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .build())
        .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        // CATCH_ALL is written catch-all, as keys are (an enum's own @JsonCreator still wins)
        .enumNamingStrategy(EnumNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .addModule(module)
        .build();
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      try {
        return DurationText.parse(text == null ? p.getText() : text);
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, e.getMessage(), p.getText(), Duration.class);
      }
    }
  }

  private static final class DurationSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      gen.writeString(DurationText.format(value));
    }
  }

  private static final class PathDeserializer extends JsonDeserializer<Path> {
    @Override
    public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return Path.of(p.getValueAsString(p.getText()));
    }
  }

  private static final class BooleanDeserializer extends JsonDeserializer<Boolean> {
    @Override
    public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_TRUE) {
        return true;
      }
      if (p.currentToken() == JsonToken.VALUE_FALSE) {
        return false;
      }
      String text = p.getText().trim().toLowerCase(Locale.ROOT);
      return switch (text) {
        case "true", "yes", "on" -> true;
        case "false", "no", "off" -> false;
        default ->
            throw InvalidFormatException.from(
                p, "not true or false: '" + p.getText() + "'", p.getText(), Boolean.class);
      };
    }
  }
}
