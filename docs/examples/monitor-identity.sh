#!/bin/sh
# Issues a monitoring identity (OU=zcc-monitor) from the fleet CA, on the key server host.
# usage: monitor-identity.sh CA_DIR NAME OUT_DIR
#   CA_DIR  the fleet CA directory (KEYSERVER_HOME/ca: fleet-ca.key.pem, fleet-ca.cert.pem)
#   NAME    the monitoring tool's name, e.g. prometheus
#   OUT_DIR gets NAME.key.pem (0600), NAME.cert.pem and fleet-ca.cert.pem
# Tested as written by MonitoringExampleTest. Valid 90 days; issue a new one before then.
set -eu
ca=$1 name=$2 out=$3
mkdir -p "$out"
umask 077
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$out/$name.key.pem"
openssl req -new -key "$out/$name.key.pem" -subj "/OU=zcc-monitor/CN=$name" -out "$out/$name.csr"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=URI:zcc:monitor:%s\n' "$name" > "$out/$name.ext"
openssl x509 -req -in "$out/$name.csr" -CA "$ca/fleet-ca.cert.pem" -CAkey "$ca/fleet-ca.key.pem" \
  -CAcreateserial -CAserial "$out/$name.srl" -days 90 -sha256 -extfile "$out/$name.ext" -out "$out/$name.cert.pem"
cp "$ca/fleet-ca.cert.pem" "$out/fleet-ca.cert.pem"
rm -f "$out/$name.csr" "$out/$name.ext" "$out/$name.srl"
