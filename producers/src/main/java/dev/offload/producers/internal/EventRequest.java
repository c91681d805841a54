package dev.offload.producers.internal;

import io.vertx.core.json.JsonObject;

/**
 * A validated publish request.
 *
 * @param type kebab-case event type
 * @param key the aggregate id that orders events, 1 to 255 characters
 * @param data the event's data, a JSON object
 */
public record EventRequest(String type, String key, JsonObject data) {}
