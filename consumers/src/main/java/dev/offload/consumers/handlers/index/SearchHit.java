package dev.offload.consumers.handlers.index;

import java.util.List;

/**
 * One document matching a search.
 *
 * @param id the document id
 * @param title its title
 * @param score Lucene's relevance score; higher is better
 * @param highlights fragments of title and body with the matched terms wrapped in {@code
 *     <em>…</em>}, the rest HTML-escaped; possibly empty
 */
public record SearchHit(String id, String title, float score, List<String> highlights) {

  /** Copies the highlights. */
  public SearchHit {
    highlights = List.copyOf(highlights);
  }
}
