#!/bin/sh
# Reads an agent's counters with a monitoring identity: one Jolokia read and one Prometheus scrape.
# usage: scrape.sh AGENT(ADDRESS:PORT) ID_DIR NAME
# Tested as written by MonitoringExampleTest.
set -eu
agent=$1 id=$2 name=$3
tls="--fail --silent --show-error --cacert $id/fleet-ca.cert.pem --cert $id/$name.cert.pem --key $id/$name.key.pem"
# Jolokia (JSON): the data plane's counters, then one attribute of one MXBean
curl $tls "https://$agent/jolokia/monitor/read/zcc:type=DataPlane"
echo
curl $tls "https://$agent/jolokia/monitor/read/zcc:type=Traffic/Services"
echo
# Prometheus text format 0.0.4
curl $tls "https://$agent/metrics"
