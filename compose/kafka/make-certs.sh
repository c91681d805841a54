#!/bin/sh
# Makes a CA, the brokers' keystore and the clients' truststore into /certs (the kafka-certs
# volume), once. The keystore password is the compose secret kafka-ssl-password; it is copied
# beside the stores (as a plain file and as kafka-ssl.properties for Kafka's file config provider)
# because the brokers read store passwords from files in that directory.
set -eu
out=/certs
if [ -f "$out/kafka.keystore.p12" ] && [ -f "$out/truststore.p12" ]; then
  echo "kafka-certs: stores exist, nothing to do"
  exit 0
fi
password=$(cat /run/secrets/kafka-ssl-password)
work=$(mktemp -d)
keytool=keytool
command -v keytool >/dev/null 2>&1 || keytool=/opt/java/openjdk/bin/keytool

"$keytool" -genkeypair -alias ca -keyalg RSA -keysize 3072 -validity 3650 \
  -dname "CN=Offload compose CA" -ext bc:c -storetype PKCS12 \
  -keystore "$work/ca.p12" -storepass "$password" -keypass "$password"
"$keytool" -exportcert -rfc -alias ca -keystore "$work/ca.p12" -storepass "$password" \
  > "$work/ca.pem"

"$keytool" -genkeypair -alias kafka -keyalg RSA -keysize 2048 -validity 825 \
  -dname "CN=kafka" -ext "SAN=dns:kafka,dns:kafka-2,dns:kafka-3,dns:localhost" \
  -storetype PKCS12 -keystore "$out/kafka.keystore.p12" -storepass "$password" -keypass "$password"
"$keytool" -certreq -alias kafka -keystore "$out/kafka.keystore.p12" -storepass "$password" \
  -ext "SAN=dns:kafka,dns:kafka-2,dns:kafka-3,dns:localhost" > "$work/kafka.csr"
"$keytool" -gencert -alias ca -keystore "$work/ca.p12" -storepass "$password" -validity 825 \
  -ext "SAN=dns:kafka,dns:kafka-2,dns:kafka-3,dns:localhost" -rfc \
  -infile "$work/kafka.csr" -outfile "$work/kafka.pem"
"$keytool" -importcert -noprompt -alias ca -file "$work/ca.pem" \
  -keystore "$out/kafka.keystore.p12" -storepass "$password"
"$keytool" -importcert -noprompt -alias kafka -file "$work/kafka.pem" \
  -keystore "$out/kafka.keystore.p12" -storepass "$password"

"$keytool" -importcert -noprompt -alias ca -file "$work/ca.pem" -storetype PKCS12 \
  -keystore "$out/truststore.p12" -storepass "$password"

cp /run/secrets/kafka-ssl-password "$out/kafka-ssl-password"
printf 'password=%s\n' "$password" > "$out/kafka-ssl.properties"
# The Kafka image runs as uid 1000 (appuser); Offload runs as uid 10001: both read, none write.
chmod 0444 "$out/kafka.keystore.p12" "$out/truststore.p12"
chmod 0440 "$out/kafka-ssl-password" "$out/kafka-ssl.properties"
chown 1000:1000 "$out/kafka-ssl-password" "$out/kafka-ssl.properties"
rm -rf "$work"
echo "kafka-certs: CA, broker keystore and client truststore written"
