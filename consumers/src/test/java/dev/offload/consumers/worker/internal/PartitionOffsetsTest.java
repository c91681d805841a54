package dev.offload.consumers.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {
  private final PartitionOffsets offsets = new PartitionOffsets(new TopicPartition("t", 0));

  @Test
  void nothingToCommitBeforeAnyRecord() {
    assertThat(offsets.committable()).isEmpty();
  }

  @Test
  void commitsTheLowestOffsetNotDoneWhateverOrderRecordsFinishIn() {
    for (long o = 10; o < 15; o++) {
      offsets.started(o);
    }
    assertThat(offsets.committable()).hasValue(10);
    offsets.done(11);
    offsets.done(13);
    assertThat(offsets.committable()).hasValue(10);
    offsets.done(10);
    assertThat(offsets.committable()).hasValue(12);
    offsets.done(12);
    assertThat(offsets.committable()).hasValue(14);
    offsets.done(14);
    assertThat(offsets.committable()).hasValue(15);
  }

  @Test
  void gapsInOffsetsDoNotHoldTheCommitBack() {
    offsets.started(3);
    offsets.started(7);
    offsets.done(3);
    assertThat(offsets.committable()).hasValue(7);
    offsets.done(7);
    assertThat(offsets.committable()).hasValue(8);
  }

  @Test
  void uncommittedOnlyWhenTheOffsetMovedOrTheLastCommitFailed() {
    offsets.started(0);
    offsets.done(0);
    assertThat(offsets.uncommitted()).hasValue(1);
    offsets.committed(1);
    assertThat(offsets.uncommitted()).isEqualTo(OptionalLong.empty());
    offsets.commitFailed();
    assertThat(offsets.uncommitted()).hasValue(1);
  }

  @Test
  void aDrainedPartitionCommitsUpToThePositionPastItsTransactionMarker() {
    offsets.started(4);
    offsets.done(4);
    offsets.drainedTo(6); // offset 5 is the transaction's commit marker
    assertThat(offsets.committable()).hasValue(6);
  }

  @Test
  void thePositionDoesNotMoveTheCommitPastARecordNotDone() {
    offsets.started(4);
    offsets.started(5);
    offsets.done(5);
    offsets.drainedTo(7);
    assertThat(offsets.committable()).hasValue(4);
    offsets.done(4);
    assertThat(offsets.committable()).hasValue(6);
    offsets.drainedTo(7);
    assertThat(offsets.committable()).hasValue(7);
  }

  @Test
  void aPositionBehindWhatWasSeenChangesNothing() {
    offsets.started(9);
    offsets.done(9);
    offsets.drainedTo(3);
    assertThat(offsets.committable()).hasValue(10);
  }
}
