package dev.offload.consumers.handlers.analytics;

import java.time.Instant;

/**
 * Views of one path in one minute.
 *
 * @param path the page's path
 * @param minute the start of the minute (UTC, whole minute)
 * @param views how many {@code page-viewed} events fell into it
 */
public record PageCount(String path, Instant minute, long views) {}
