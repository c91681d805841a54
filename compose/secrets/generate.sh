#!/bin/sh
# Writes the compose stack's secrets beside this script, once (existing files are kept):
# random passwords, the SCRAM login (JAAS) file of each role and the database env file.
# These files are git-ignored; they are mounted as compose secrets and never built into an image.
set -eu
cd "$(dirname "$0")"
umask 077

random() {
  # 32 alphanumeric characters: safe inside JAAS quotes and kafka-configs arguments.
  LC_ALL=C tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 32
}

keep_or_write() {
  [ -s "$1" ] || random > "$1"
}

for name in postgres-password grafana-admin-password kafka-ssl-password; do
  keep_or_write "$name"
done
for role in connector registry streams worker ops; do
  keep_or_write "kafka-password-$role"
  printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="offload-%s" password="%s";\n' \
    "$role" "$(cat "kafka-password-$role")" > "kafka-jaas-$role.conf"
done

# The database password of the roles that connect to PostgreSQL (api, connector, workers).
echo "OFFLOAD_DATABASE_PASSWORD=$(cat postgres-password)" > database.env

# Confluent Schema Registry (profile confluent-registry) logs in as offload-registry.
{
  printf 'SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG=%s\n' "$(cat kafka-jaas-registry.conf)"
  echo "SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_PASSWORD=$(cat kafka-ssl-password)"
} > confluent-registry.env

# Compose mounts secrets with the files' own modes; the roles run as other users than you.
chmod 0644 ./*password* ./*.conf
echo "secrets written to $(pwd)"
