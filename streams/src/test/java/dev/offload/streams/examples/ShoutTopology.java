package dev.offload.streams.examples;

import dev.offload.streams.TopologyContext;
import dev.offload.streams.TopologyDefinition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** The README example: a topology of your own, run with {@code offload streams run shout}. */
public final class ShoutTopology implements TopologyDefinition {
  public String name() {
    return "shout";
  }

  public String description() {
    return "Upper-cases note-added events into offload.work.shout.";
  }

  public Topology build(TopologyContext context) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("offload.events.note-added", Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(note -> note.toUpperCase())
        .to("offload.work.shout", Produced.with(Serdes.String(), Serdes.String()));
    return builder.build();
  }
}
