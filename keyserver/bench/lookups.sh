#!/usr/bin/env bash
# Key server lookup throughput (docs/BENCHMARKS.md section 5): starts a KeyServer on a temporary
# home (Derby, fleet CA), enrolls and approves hosts, then runs 1, 4 and 16 mutual-TLS XML-RPC
# client threads calling Keys.lookup(random address, "x25519"), 5 s warm-up and 10 s measured each,
# and prints lookups/s with p50/p99 latency. A benchmark, not a test: it is never run by `mvn verify`.
#
#   keyserver/bench/lookups.sh                      # build test classes, then the defaults
#   keyserver/bench/lookups.sh --no-build --hosts 100 --threads 1,4,16 --warmup 5 --duration 10
#
# Server and clients share one JVM (and the machine's cores). Everything is bounded: the whole run
# is killed after 10 minutes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
if [[ "${1:-}" == "--no-build" ]]; then
    shift
else
    flock /tmp/zcc-mvn.lock mvn -o -q -pl keyserver -DskipTests test-compile
fi
cp="keyserver/target/classes:keyserver/target/test-classes:$(cat keyserver/target/keyserver-test.classpath)"
exec timeout 600 java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$cp" net.zcc.keyserver.bench.LookupBench "$@"
