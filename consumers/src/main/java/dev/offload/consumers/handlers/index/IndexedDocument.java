package dev.offload.consumers.handlers.index;

import dev.offload.schemas.events.DocumentChanged;
import java.util.List;
import java.util.Objects;

/**
 * A document as the index stores it.
 *
 * @param id its id, unique in the index
 * @param title its title, searched and highlighted
 * @param body its full text, searched and highlighted
 * @param tags its tags, matched exactly
 */
public record IndexedDocument(String id, String title, String body, List<String> tags) {

  /** Requires every field. */
  public IndexedDocument {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("document id must not be blank");
    }
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(body, "body");
    tags = List.copyOf(tags);
  }

  /** The document a {@code document-changed} event describes. */
  public static IndexedDocument of(DocumentChanged event) {
    return new IndexedDocument(event.getId(), event.getTitle(), event.getBody(), event.getTags());
  }
}
