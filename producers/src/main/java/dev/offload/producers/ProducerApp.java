package dev.offload.producers;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A registered producer app, as {@link ProducerApps#list()} shows it (never its key).
 *
 * @param name the app's name, stored as the {@code producer} of its events (the {@code
 *     offload-producer} header)
 * @param eventTypes the event types it may publish, sorted; {@code ["*"]} means any type
 * @param createdAt when it was created
 * @param rotatedAt when its key was last rotated, {@code null} if never
 * @param revokedAt when it was revoked, {@code null} while active
 */
public record ProducerApp(
    String name,
    List<String> eventTypes,
    OffsetDateTime createdAt,
    OffsetDateTime rotatedAt,
    OffsetDateTime revokedAt) {

  /** Copies the list. */
  public ProducerApp {
    eventTypes = List.copyOf(eventTypes);
  }

  /** Whether its key is accepted (not revoked). */
  public boolean active() {
    return revokedAt == null;
  }
}
