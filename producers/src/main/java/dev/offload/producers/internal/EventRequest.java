package dev.offload.producers.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validated publish request.
 *
 * @param type kebab-case event type
 * @param key the aggregate id that orders events, 1 to 255 characters
 * @param data the event's data, a JSON object (numbers as sent, floats as exact decimals)
 */
public record EventRequest(String type, String key, JsonNode data) {}
