package dev.offload.consumers.handlers.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.highlight.Highlighter;
import org.apache.lucene.search.highlight.InvalidTokenOffsetsException;
import org.apache.lucene.search.highlight.QueryScorer;
import org.apache.lucene.search.highlight.SimpleHTMLEncoder;
import org.apache.lucene.search.highlight.SimpleHTMLFormatter;
import org.apache.lucene.search.highlight.SimpleSpanFragmenter;

/** Highlighted fragments of one query's hits: title first, then body, text HTML-escaped. */
final class Highlights {
  private final Highlighter title;
  private final Highlighter body;
  private final Analyzer analyzer;
  private final int fragments;

  Highlights(Query query, Analyzer analyzer, SearchIndexConfig config) {
    this.analyzer = analyzer;
    this.fragments = config.fragments();
    this.title = highlighter(query, SearchIndex.TITLE, config.fragmentSize());
    this.body = highlighter(query, SearchIndex.BODY, config.fragmentSize());
  }

  List<String> of(String titleText, String bodyText) {
    List<String> out = new ArrayList<>();
    add(out, title, SearchIndex.TITLE, titleText);
    add(out, body, SearchIndex.BODY, bodyText);
    return out.size() > fragments ? out.subList(0, fragments) : out;
  }

  private void add(List<String> out, Highlighter highlighter, String field, String text) {
    if (text == null || text.isEmpty()) {
      return;
    }
    try {
      for (String fragment : highlighter.getBestFragments(analyzer, field, text, fragments)) {
        if (!fragment.isBlank()) {
          out.add(fragment.strip());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InvalidTokenOffsetsException e) {
      throw new IllegalStateException("cannot highlight field " + field, e);
    }
  }

  private static Highlighter highlighter(Query query, String field, int fragmentSize) {
    QueryScorer scorer = new QueryScorer(query, field);
    Highlighter h =
        new Highlighter(new SimpleHTMLFormatter("<em>", "</em>"), new SimpleHTMLEncoder(), scorer);
    h.setTextFragmenter(new SimpleSpanFragmenter(scorer, fragmentSize));
    return h;
  }
}
