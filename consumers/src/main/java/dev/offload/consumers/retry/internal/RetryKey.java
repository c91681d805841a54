package dev.offload.consumers.retry.internal;

import dev.offload.consumers.internal.Origin;

/**
 * Names one pending retry: the record's origin and the attempt the retry will be. A lane parked for
 * a delayed retry waits for the record that carries this key.
 *
 * @param origin where the record was first consumed
 * @param attempt the attempt number of the retry
 */
public record RetryKey(Origin origin, int attempt) {}
