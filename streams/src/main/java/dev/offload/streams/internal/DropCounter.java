package dev.offload.streams.internal;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * A Kafka Streams sensor that counts records a processor deliberately drops, one per task, so it
 * shows in {@code KafkaStreams.metrics()} (and from there in Micrometer) as {@code
 * <operation>-total} in group {@code stream-<scope>-metrics}.
 */
public final class DropCounter {
  private final ProcessingContext context;
  private final Sensor sensor;

  private DropCounter(ProcessingContext context, Sensor sensor) {
    this.context = context;
    this.sensor = sensor;
  }

  /** Registers the sensor for this processor's task. */
  public static DropCounter register(ProcessingContext context, String scope, String operation) {
    Sensor sensor =
        context
            .metrics()
            .addRateTotalSensor(
                scope, context.taskId().toString(), operation, Sensor.RecordingLevel.INFO);
    return new DropCounter(context, sensor);
  }

  /** Counts one dropped record. */
  public void record() {
    sensor.record();
  }

  /** Removes the sensor; call from the processor's {@code close()}. */
  public void remove() {
    context.metrics().removeSensor(sensor);
  }
}
