#!/bin/sh
# One SCRAM-SHA-512 user per Offload role and the ACLs it needs, all on name prefixes: a role can
# touch only its own topics, groups and transactional ids. Runs through the internal listener
# (KAFKA_INTERNAL_BOOTSTRAP) whose principal is the super user; idempotent, run on every start.
#
#   role                  may                                                     on
#   offload-connector     write, create, describe                                 topics offload.events.*
#   offload-registry      all                                                     topic _schemas
#                         write, describe                                         transactional ids offload-schema-registry-*
#                         read                                                    group schema-registry (Confluent's, when used)
#   offload-streams       read, describe                                          topics offload.events.*
#                         write, create, describe                                 topics offload.work.*, offload.analytics.*, offload.dlq.*
#                         all                                                     topics offload-* (internal: changelogs, repartitions)
#                         read, describe / write, describe                        groups / transactional ids offload-*
#   offload-worker        read, describe                                          topics offload.events.*, offload.work.*, offload.retry.*
#                         write, create, describe                                 topics offload.retry.*, offload.dlq.*
#                         read, describe                                          groups offload-*
#   offload-ops           read, describe                                          every topic (lag in seconds, dead letters)
#                         describe                                                every group
# Every producing role also gets IdempotentWrite on the cluster.
set -eu
bin=/opt/kafka/bin
bootstrap=${KAFKA_INTERNAL_BOOTSTRAP:?}

user() {
  name=$1
  password=$(cat "/run/secrets/kafka-password-${name#offload-}")
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --alter --entity-type users \
    --entity-name "$name" --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]" \
    > /dev/null
  echo "kafka-setup: user $name"
}

acl() {
  principal=$1
  shift
  "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --add --allow-principal "User:$principal" \
    "$@" > /dev/null
}

for role in connector registry streams worker ops; do
  user "offload-$role"
done

acl offload-connector --operation Write --operation Create --operation Describe \
  --topic offload.events. --resource-pattern-type prefixed
acl offload-connector --operation IdempotentWrite --cluster

acl offload-registry --operation All --topic _schemas
acl offload-registry --operation Write --operation Describe \
  --transactional-id offload-schema-registry- --resource-pattern-type prefixed
acl offload-registry --operation Read --group schema-registry
acl offload-registry --operation IdempotentWrite --cluster

acl offload-streams --operation Read --operation Describe \
  --topic offload.events. --resource-pattern-type prefixed
for prefix in offload.work. offload.analytics. offload.dlq.; do
  acl offload-streams --operation Write --operation Create --operation Describe \
    --topic "$prefix" --resource-pattern-type prefixed
done
acl offload-streams --operation All --topic offload- --resource-pattern-type prefixed
acl offload-streams --operation Read --operation Describe --group offload- --resource-pattern-type prefixed
acl offload-streams --operation Write --operation Describe \
  --transactional-id offload- --resource-pattern-type prefixed
acl offload-streams --operation IdempotentWrite --cluster

for prefix in offload.events. offload.work. offload.retry.; do
  acl offload-worker --operation Read --operation Describe --topic "$prefix" --resource-pattern-type prefixed
done
for prefix in offload.retry. offload.dlq.; do
  acl offload-worker --operation Write --operation Create --operation Describe \
    --topic "$prefix" --resource-pattern-type prefixed
done
acl offload-worker --operation Read --operation Describe --group offload- --resource-pattern-type prefixed
acl offload-worker --operation IdempotentWrite --cluster

acl offload-ops --operation Read --operation Describe --topic '*'
acl offload-ops --operation Describe --group '*'

echo "kafka-setup: users and ACLs in place"
