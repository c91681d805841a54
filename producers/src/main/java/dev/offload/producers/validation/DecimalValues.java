package dev.offload.producers.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.avro.LogicalTypes;

/** Reads a {@code decimal(precision, scale)} from a JSON number or numeric string. */
final class DecimalValues {
  /** Longest numeric string parsed, as Jackson limits JSON numbers (parsing is superlinear). */
  private static final int MAX_TEXT_LENGTH = 1000;

  private DecimalValues() {}

  /**
   * {@code json} at the type's scale, or {@code null} after recording why not: not a number, more
   * decimal places than the scale (never rounded), or more digits than the precision.
   */
  static BigDecimal parse(JsonNode json, LogicalTypes.Decimal type, String path, Violations v) {
    String label = "decimal(" + type.getPrecision() + "," + type.getScale() + ")";
    BigDecimal value = read(json, path, v, label);
    if (value == null) {
      return null;
    }
    int scale = type.getScale();
    if (value.scale() > scale) {
      value = value.stripTrailingZeros();
      if (value.scale() > scale) {
        v.add(path, "more than " + scale + " decimal places for " + label);
        return null;
      }
    }
    // Checked before setScale: 1e999999999 must not be expanded to find it is too large.
    if (value.signum() != 0 && value.precision() - value.scale() > type.getPrecision() - scale) {
      v.add(path, "more than " + type.getPrecision() + " digits for " + label);
      return null;
    }
    return value.setScale(scale, RoundingMode.UNNECESSARY);
  }

  private static BigDecimal read(JsonNode json, String path, Violations v, String label) {
    if (json.isNumber()) {
      if ((json.isDouble() || json.isFloat()) && !Double.isFinite(json.doubleValue())) {
        v.add(path, "expected " + label + ", got a non-finite number");
        return null;
      }
      return Scalars.decimal(json);
    }
    if (!json.isTextual()) {
      v.expected(path, label + " as a number or numeric string", json);
      return null;
    }
    String text = json.textValue().trim();
    try {
      if (text.length() > MAX_TEXT_LENGTH) {
        throw new NumberFormatException("longer than " + MAX_TEXT_LENGTH);
      }
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      v.add(path, "not a decimal number; expected " + label + " as a number or numeric string");
      return null;
    }
  }
}
