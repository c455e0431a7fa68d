#!/usr/bin/env bash
# Agent memory with many open protected connections.
#
# Usage (root): agent/bench/memory.sh [N]      (default N = 10000)
#
# Two namespace hosts (198.18.0.1 and 198.18.0.2), an agent (zcc_configd) on each with one
# protected service, N TCP connections opened from A to B through both agents and held open;
# then each agent's resident set size (VmRSS) and its connection count are printed. The agents
# run with the heap the launcher gives them by default (no -Xmx).
set -euo pipefail
N=${1:-10000}
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "memory.sh: needs root" >&2; exit 1; }
A=zccm-a-$$ B=zccm-b-$$ V=zm$$
work=$(mktemp -d /tmp/zcc-mem.XXXXXX)
pids=()
cleanup() {
  touch "$work/stop"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

( cd "$top" && mvn -B -q -ntp -pl jmx-api,agent -am install -DskipTests )
CP="$top/agent/target/classes:$top/agent/target/test-classes:$(cat "$top/agent/target/agent.classpath")"

ip netns add "$A"; ip netns add "$B"
ip link add "$V" netns "$A" type veth peer name "$V" netns "$B"
for h in "$A:198.18.0.1" "$B:198.18.0.2"; do
  ip -n "${h%%:*}" link set lo up; ip -n "${h%%:*}" addr add "${h##*:}/24" dev "$V"; ip -n "${h%%:*}" link set "$V" up
done
ip netns exec "$A" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
echo '<services><service name="m" host="198.18.0.2" port="6000" type="server" scheme="aes-256" encrypt="true"/></services>' >"$work/a.xml"
echo '<services><service name="m" host="198.18.0.1" port="6000" type="client" scheme="aes-256" encrypt="true"/></services>' >"$work/b.xml"
( umask 077; echo "* $(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$work/keys" )

for h in a b; do
  ns=$A; [[ $h == b ]] && ns=$B
  ip netns exec "$ns" java -Djna.tmpdir="$work/jna" -cp "$CP" net.zcc.agent.AgentMain --file "$work/$h.xml" \
    --pid-file "$work/$h.pid" --key-file "$work/keys" --stats-file "$work/$h.stats" >"$work/agent-$h.log" 2>&1 &
  pids+=($!)
done
for h in a b; do for _ in $(seq 100); do [[ -f $work/$h.pid ]] && break; sleep 0.2; done; done
ip netns exec "$B" bash -c "ulimit -n 65536; exec java -cp '$CP' net.zcc.agent.it.ManyConnections server 198.18.0.2 6000" \
  >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q LISTENING "$work/server.log" 2>/dev/null && break; sleep 0.2; done
echo "opening $N protected connections..."
start=$(date +%s.%N)
ip netns exec "$A" bash -c "ulimit -n 65536; exec java -cp '$CP' net.zcc.agent.it.ManyConnections client 198.18.0.2 6000 $N '$work/stop'" \
  >"$work/client.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do grep -q OPEN "$work/client.log" 2>/dev/null && break; sleep 0.5; done
grep OPEN "$work/client.log" || { cat "$work/client.log"; exit 1; }
echo "opened in $(echo "$(date +%s.%N) - $start" | bc) s"
sleep 2
for h in a b; do
  pid=$(cat "$work/$h.pid")
  echo "agent $h: $(grep VmRSS /proc/$pid/status | tr -s ' ') ; $(grep -E '^(connections|handshakes)=' "$work/$h.stats" 2>/dev/null | tr '\n' ' ')"
done
