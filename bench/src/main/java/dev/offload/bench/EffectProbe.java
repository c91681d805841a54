package dev.offload.bench;

import java.util.List;
import java.util.Map;

/**
 * Where {@code offload bench pipeline} sees the effects that leave no mark in the database: the
 * mails the SMTP server received and the documents the search index serves.
 */
public interface EffectProbe {
  /** How many mails the SMTP server received for each Offload event id (from the Message-ID). */
  Map<String, Integer> mailsByEventId() throws Exception;

  /**
   * How many documents with each of {@code documentIds} a search for those ids returns (the
   * benchmark's document ids are single words that their titles carry); an id not found may be left
   * out.
   */
  Map<String, Integer> documentHits(List<String> documentIds) throws Exception;

  /**
   * A number that changes whenever the search index may show more documents, for instance its
   * document count; a probe that cannot tell answers a new number on each call.
   */
  long indexGeneration() throws Exception;
}
