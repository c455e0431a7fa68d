#!/usr/bin/env bash
# 1,000 concurrent relay long-polls over mutual TLS on one key server (docs/BENCHMARKS.md 5.2).
# Prepares a temporary key server home in the driver JVM (enrolls and approves the hosts and one
# sender in-process, then stops), starts the key server in its own JVM as an administrator would
# (keyserver/zcc-keyserver --home H --port P --db-password-file F), opens one mutual-TLS
# connection per host and one POST /relay/poll on each, measures the server process (threads from
# /proc, the Jetty pool from jcmd Thread.print, VmRSS, heap used after jcmd GC.run) idle and while
# every poll waits, then sends one message to each host and checks each poll gets its own.
# A benchmark, not a test: it is never run by `mvn verify`.
#
#   keyserver/bench/polls.sh                      # build test classes, then the defaults
#   keyserver/bench/polls.sh --no-build --hosts 1000 --senders 4 --settle 3
#
# Everything is bounded: the whole run is killed after 10 minutes (SIGTERM: the driver stops the
# server process it started, by its pid; SIGKILL 30 s later). Addresses: 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
if [[ "${1:-}" == "--no-build" ]]; then
    shift
else
    flock /tmp/zcc-mvn.lock mvn -o -q -pl keyserver -DskipTests test-compile
fi
cp="keyserver/target/classes:keyserver/target/test-classes:$(cat keyserver/target/keyserver-test.classpath)"
exec timeout -k 30 600 java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$cp" net.zcc.keyserver.bench.PollBench "$@"
