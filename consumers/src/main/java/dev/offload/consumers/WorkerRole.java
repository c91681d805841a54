package dev.offload.consumers;

import dev.offload.consumers.ratelimit.RateLimit;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.runtime.tracing.Tracing;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs one {@link HandlerDefinition} as a member of its consumer group: binds it to its {@link
 * HandlerContext}, puts it behind the configured rate limits and starts its {@link Worker}. The
 * same for {@code offload worker} and for each worker of {@code offload dev}. Closing drains the
 * worker (within the options' shutdown timeout), then closes what the context opened.
 */
public final class WorkerRole implements AutoCloseable {
  private final HandlerDefinition<?> handler;
  private final HandlerContext context;
  private final Worker worker;

  private WorkerRole(HandlerDefinition<?> handler, HandlerContext context, Worker worker) {
    this.handler = handler;
    this.context = context;
    this.worker = worker;
  }

  /**
   * A role running {@code handler} with {@code options} (from its {@link
   * HandlerDefinition#defaultOptions}, say) on {@code context}, which the role closes.
   */
  public static <T> Builder<T> builder(
      HandlerDefinition<T> handler, WorkerOptions options, HandlerContext context) {
    return new Builder<>(handler, options, context);
  }

  /** The handler it runs. */
  public HandlerDefinition<?> handler() {
    return handler;
  }

  /** What the handler is bound to, with the sinks it opened. */
  public HandlerContext context() {
    return context;
  }

  /** The options its worker runs with. */
  public WorkerOptions options() {
    return worker.options();
  }

  /** Whether its worker's polling thread is alive. */
  public boolean isRunning() {
    return worker.isRunning();
  }

  /** Stops the worker, then closes the context. */
  @Override
  public void close() {
    try {
      worker.close();
    } finally {
      context.close();
    }
  }

  /** Starts a {@link WorkerRole}. */
  public static final class Builder<T> {
    private final HandlerDefinition<T> handler;
    private final WorkerOptions options;
    private final HandlerContext context;
    private final List<RateLimit<T>> limits = new ArrayList<>();
    private double replayShare;
    private Tracing tracing = Tracing.off();

    private Builder(HandlerDefinition<T> handler, WorkerOptions options, HandlerContext context) {
      this.handler = Objects.requireNonNull(handler, "handler");
      this.options = Objects.requireNonNull(options, "options");
      this.context = Objects.requireNonNull(context, "context");
    }

    /** At most {@code permits} events per {@code period} in all; default no limit. */
    public Builder<T> perHandlerLimit(int permits, Duration period) {
      limits.add(RateLimit.perHandler(handler.name() + "-total", permits, period));
      return this;
    }

    /**
     * At most {@code permits} events per {@code period} for each {@link
     * HandlerDefinition#rateLimitKey key}; default no limit.
     */
    public Builder<T> perKeyLimit(int permits, Duration period) {
      limits.add(
          RateLimit.perKey(handler.perKeyLimitName(), permits, period, handler::rateLimitKey));
      return this;
    }

    /** Where the spans of the worker's attempts go; default none. */
    public Builder<T> tracing(Tracing value) {
      this.tracing = Objects.requireNonNull(value, "tracing");
      return this;
    }

    /** Also consumes the group's replay lane with this share of the slots; default 0, none. */
    public Builder<T> replayShare(double value) {
      this.replayShare = value;
      return this;
    }

    /**
     * Binds the handler and starts its worker; on failure closes what the context opened.
     *
     * @throws IOException when a sink on disk cannot be opened
     * @throws SQLException when a sink's tables cannot be prepared
     */
    public WorkerRole start() throws IOException, SQLException {
      try {
        HandlerBinding<T> binding = handler.bind(context);
        if (!limits.isEmpty()) {
          binding = binding.withRateLimits(limits, context.meters());
        }
        Worker worker =
            Worker.builder(options, binding)
                .meterRegistry(context.meters())
                .replayLane(replayShare)
                .tracing(tracing)
                .start();
        return new WorkerRole(handler, context, worker);
      } catch (IOException | SQLException | RuntimeException e) {
        try {
          context.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
    }
  }
}
