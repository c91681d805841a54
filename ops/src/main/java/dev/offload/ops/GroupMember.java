package dev.offload.ops;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * One live member of a consumer group, as the group coordinator describes it.
 *
 * @param memberId the coordinator's id of the member
 * @param clientId the consumer's {@code client.id}
 * @param host the host the member connects from, without Kafka's leading slash
 * @param partitions the partitions currently assigned to it (empty during a rebalance)
 */
public record GroupMember(
    String memberId, String clientId, String host, List<TopicPartition> partitions) {

  /** Copies the partitions and requires the ids. */
  public GroupMember {
    Objects.requireNonNull(memberId, "memberId must be set");
    clientId = clientId == null ? "" : clientId;
    host = host == null ? "" : host.startsWith("/") ? host.substring(1) : host;
    partitions = List.copyOf(partitions);
  }

  /** The member as Kafka's admin client describes it. */
  public static GroupMember of(MemberDescription member) {
    return new GroupMember(
        member.consumerId(),
        member.clientId(),
        member.host(),
        List.copyOf(member.assignment().topicPartitions()));
  }

  /** {@code client-id on host}, the way operators recognise a process. */
  public String describe() {
    return (clientId.isEmpty() ? memberId : clientId) + " on " + host;
  }
}
