package dev.offload.bench;

/**
 * The share of each event type in {@code offload bench pipeline}'s load, in percent.
 *
 * @param pageViewed {@code page-viewed} events, counted by the analytics worker; default 90
 * @param documentChanged {@code document-changed} events, indexed by the index worker; default 8
 * @param userSignedUp {@code user-signed-up} events, mailed by the email worker; default 2
 */
public record PipelineMix(int pageViewed, int documentChanged, int userSignedUp) {

  /** Requires shares of at least 0 that add up to 100. */
  public PipelineMix {
    atLeastZero(pageViewed, "pageViewed");
    atLeastZero(documentChanged, "documentChanged");
    atLeastZero(userSignedUp, "userSignedUp");
    int sum = pageViewed + documentChanged + userSignedUp;
    if (sum != 100) {
      throw new IllegalArgumentException(
          "the mix must add up to 100 %, was "
              + sum
              + " % (page-viewed "
              + pageViewed
              + ", document-changed "
              + documentChanged
              + ", user-signed-up "
              + userSignedUp
              + ")");
    }
  }

  /** 90 % page views, 8 % document changes, 2 % sign-ups. */
  public static PipelineMix defaults() {
    return new PipelineMix(90, 8, 2);
  }

  @Override
  public String toString() {
    return String.format(
        "page-viewed %d %%, document-changed %d %%, user-signed-up %d %%",
        pageViewed, documentChanged, userSignedUp);
  }

  private static void atLeastZero(int share, String field) {
    if (share < 0) {
      throw new IllegalArgumentException(field + " must be at least 0, was " + share);
    }
  }
}
