package dev.offload.producers.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.producers.ApiConfig;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads request bodies: strict UTF-8, then JSON within {@link ApiConfig.Limits} (nesting depth,
 * string and number length, enforced by Jackson's {@link StreamReadConstraints} while parsing),
 * with no duplicate member names and nothing after the value. Floats are kept as exact {@code
 * BigDecimal}s, so range and decimal-scale checks see the digits that were sent.
 */
public final class JsonBodies {
  private final ObjectMapper mapper;
  private final ApiConfig.Limits limits;

  /** A reader enforcing {@code limits}. */
  public JsonBodies(ApiConfig.Limits limits) {
    this.limits = limits;
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxNestingDepth())
                    .maxStringLength(limits.maxStringLength())
                    .maxNameLength(limits.maxStringLength())
                    .maxNumberLength(limits.maxNumberLength())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    this.mapper =
        JsonMapper.builder(factory)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();
  }

  /**
   * The JSON object of {@code body}.
   *
   * @param expected what the object should hold, for the error message, e.g. {@code "key" and
   *     "data"}
   * @throws RejectedRequest {@code 400}: {@code malformed-json}, {@code invalid-encoding} or {@code
   *     limit-exceeded}
   */
  public JsonNode parseObject(Buffer body, String expected) {
    if (body == null || body.length() == 0) {
      throw new RejectedRequest(ApiError.malformedBody("body is empty; expected a JSON object"));
    }
    byte[] bytes = body.getBytes();
    int invalid = firstInvalidUtf8(bytes);
    if (invalid >= 0) {
      throw new RejectedRequest(ApiError.invalidEncoding(invalid));
    }
    JsonNode value;
    try {
      value = mapper.readTree(bytes);
    } catch (StreamConstraintsException e) {
      throw new RejectedRequest(limitError(e));
    } catch (JsonProcessingException e) {
      throw new RejectedRequest(ApiError.malformedBody("body is not valid JSON: " + reason(e)));
    } catch (IOException e) {
      throw new IllegalStateException("reading a byte array cannot fail", e);
    }
    if (value == null || !value.isObject()) {
      throw new RejectedRequest(
          ApiError.malformedBody("body must be a JSON object with " + expected));
    }
    return value;
  }

  /** Compact UTF-8 JSON of {@code node}, numbers as sent. */
  public byte[] bytes(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed tree can always be written", e);
    }
  }

  private ApiError limitError(StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.contains("NestingDepth")) {
      return ApiError.limitExceeded(
          "maxNestingDepth", limits.maxNestingDepth(), "JSON nesting depth");
    }
    if (message.contains("NumberLength")) {
      return ApiError.limitExceeded(
          "maxNumberLength", limits.maxNumberLength(), "a JSON number's length in characters");
    }
    if (message.contains("NameLength")) {
      return ApiError.limitExceeded(
          "maxStringLength", limits.maxStringLength(), "a JSON member name's length in characters");
    }
    if (message.contains("StringLength")) {
      return ApiError.limitExceeded(
          "maxStringLength", limits.maxStringLength(), "a JSON string's length in characters");
    }
    return ApiError.malformedBody("body exceeds a JSON parsing limit: " + message);
  }

  private static String reason(JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage());
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    if (message.length() > 160) {
      message = message.substring(0, 160) + "…";
    }
    JsonLocation at = e.getLocation();
    return at == null
        ? message
        : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  /**
   * The offset of the first byte that is not part of a well-formed UTF-8 sequence (no overlong
   * forms, no surrogates, nothing above U+10FFFF), or -1 when all are.
   */
  static int firstInvalidUtf8(byte[] bytes) {
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int length;
      int min;
      if (b >= 0xC2 && b <= 0xDF) {
        length = 2;
        min = 0x80;
      } else if (b >= 0xE0 && b <= 0xEF) {
        length = 3;
        min = 0x800;
      } else if (b >= 0xF0 && b <= 0xF4) {
        length = 4;
        min = 0x10000;
      } else {
        return i;
      }
      if (i + length > bytes.length) {
        return i;
      }
      int codePoint = b & (0xFF >> (length + 1));
      for (int k = 1; k < length; k++) {
        int next = bytes[i + k] & 0xFF;
        if ((next & 0xC0) != 0x80) {
          return i;
        }
        codePoint = (codePoint << 6) | (next & 0x3F);
      }
      if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
        return i;
      }
      i += length;
    }
    return -1;
  }
}
