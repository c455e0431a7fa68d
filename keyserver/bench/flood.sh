#!/usr/bin/env bash
# What an anonymous flood costs the fleet (issue 11; docs/BENCHMARKS.md 5.3): a key server with
# 1,000 enrolled hosts in its own JVM pinned to CPU 1, this driver pinned to CPU 0; key lookups and
# relay exchanges per second without, during and after an anonymous flood (wrong-token
# enrollments over new TLS connections from 500 loopback addresses). A benchmark, not a test.
#
#   keyserver/bench/flood.sh                      # build test classes, then the defaults
#   keyserver/bench/flood.sh --no-build --hosts 1000 --seconds 10 --attackers 16
#
# Everything is bounded: the whole run is killed after 10 minutes (SIGTERM: the driver stops the
# server process it started, by its pid). Addresses: 127.0.0.0/8 only.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
if [[ "${1:-}" == "--no-build" ]]; then
    shift
else
    flock /tmp/zcc-mvn.lock mvn -o -q -pl keyserver -am -DskipTests test-compile
fi
cp="keyserver/target/classes:keyserver/target/test-classes:$(cat keyserver/target/keyserver-test.classpath)"
exec timeout -k 30 600 taskset -c 0 java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$cp" net.zcc.keyserver.bench.FloodBench --server-cpu 1 "$@"
