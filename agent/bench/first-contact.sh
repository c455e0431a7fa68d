#!/usr/bin/env bash
# First-contact benchmark (issue 4): how long the first SYN to a new peer is held while the
# relayed Noise KK handshake runs through the key server (directory lookup, message 1 over the
# relay, message 2 back). In-process key server on Derby + TLS on 127.0.0.1; every host has its
# own key server client and long-poll, as separate agents would. Prints min/p50/p90/max over
# the measured peers, and the cached-session lookup for comparison.
#
# Usage: agent/bench/first-contact.sh [--no-build] [peers] [warmup] [warm-peers]   (defaults 40 10)
#   warm-peers: each peer opens a second pooled connection first (what an agent that talked to
#   the key server in the last 30 s has), so message 2 goes out on an open TLS connection
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ "${1:-}" == "--no-build" ]]; then
  shift
else
  (cd "$top" && flock /tmp/zcc-mvn.lock mvn -o -q -B -ntp -pl jmx-api,keyserver,agent -am -DskipTests install)
  (cd "$top/agent" && flock /tmp/zcc-mvn.lock mvn -o -q -B -ntp test-compile)
fi
cd "$top/agent"
cp="target/classes:target/test-classes:$(cat target/test.classpath)"
scratch=$(mktemp -d /tmp/zcc-first-contact.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
timeout 300 java -Xmx512m -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  net.zcc.agent.remote.FirstContactBench "$scratch" "${1:-40}" "${2:-10}" ${3:-}
