package dev.offload.runtime.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** A binding failure as the user reads it: the key's dotted path first, then what is wrong. */
final class ConfigErrors {
  private ConfigErrors() {}

  static String describe(Exception e, String source) {
    if (!(e instanceof JsonMappingException d)) {
      return source + ": " + e.getMessage();
    }
    String path = dotted(d.getPath());
    String where = path.isEmpty() ? "the configuration" : path;
    if (e instanceof UnrecognizedPropertyException u) {
      String known =
          u.getKnownPropertyIds() == null
              ? ""
              : "; known: "
                  + u.getKnownPropertyIds().stream()
                      .map(String::valueOf)
                      .collect(Collectors.toCollection(TreeSet::new));
      return where + ": unknown setting in " + source + known;
    }
    return where + ": " + reason(d) + " (in " + source + ")";
  }

  private static String reason(JsonMappingException e) {
    Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
    String value = e instanceof InvalidFormatException f ? ": '" + f.getValue() + "'" : "";
    if (target == int.class || target == Integer.class || target == long.class) {
      return "not an integer" + value;
    }
    if (target == double.class || target == Double.class) {
      return "not a number" + value;
    }
    if (target != null && (target.isRecord() || Map.class.isAssignableFrom(target))) {
      return "expected a mapping";
    }
    if (target != null && List.class.isAssignableFrom(target)) {
      return "expected a list";
    }
    if (e instanceof InvalidFormatException) {
      return e.getOriginalMessage();
    }
    return Objects.toString(e.getOriginalMessage(), e.toString());
  }

  private static String dotted(List<JsonMappingException.Reference> path) {
    StringBuilder s = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        s.append(s.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        s.append('[').append(r.getIndex()).append(']');
      }
    }
    return s.toString();
  }
}
