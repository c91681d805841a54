package dev.offload.consumers.backpressure;

/**
 * When a worker stops fetching and when it starts again, counted in records that are buffered, held
 * for a retry or in flight.
 *
 * <p>At {@code high} the worker pauses every assigned partition but keeps polling, so it stays in
 * its consumer group and a slow handler never lets {@code max.poll.interval.ms} expire; at {@code
 * low} it resumes them.
 *
 * @param high pause at this many records; default four times {@code maxInFlight}
 * @param low resume at this many records or fewer; default twice {@code maxInFlight}; below {@code
 *     high}
 */
public record Watermarks(int high, int low) {

  /** Validates the marks and names the one that is wrong. */
  public Watermarks {
    if (high < 1) {
      throw new IllegalArgumentException("watermarks.high must be at least 1, was " + high);
    }
    if (low < 0 || low >= high) {
      throw new IllegalArgumentException(
          "watermarks.low must be at least 0 and below high (" + high + "), was " + low);
    }
  }

  /** The default marks for {@code maxInFlight}: pause at 4x, resume at 2x. */
  public static Watermarks forMaxInFlight(int maxInFlight) {
    return new Watermarks(4 * maxInFlight, 2 * maxInFlight);
  }
}
