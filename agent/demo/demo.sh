#!/usr/bin/env bash
# The main job on one machine: two namespace hosts, an agent (zcc_configd) on each, an HTTP
# service between them protected by ZCC. Run through "./zcc demo" (as root), which builds first.
#
# Keys are pre-shared for now ("manual keying": one line per peer in a 0600 key file); the key
# server comes next. The demo shows the application's plaintext beside a capture of the wire,
# then each agent's counters, then removes everything it created.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "demo: needs root (network namespaces, nftables, NFQUEUE)" >&2; exit 1; }

A=zccdemo-a-$$ B=zccdemo-b-$$ VETH=zdemo$$
A4=198.18.0.1 B4=198.18.0.2 PORT=8080
work=$(mktemp -d /tmp/zcc-demo.XXXXXX)
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
in_a() { ip netns exec "$A" "$@"; }
in_b() { ip netns exec "$B" "$@"; }
zcc_tool() { "$top/zcc" "$@" >/dev/null 2>&1 || [[ $? -eq 4 ]]; }  # 4: saved, daemon not started yet
queued() {  # packets the namespace's kernel handed to NFQUEUE
  ip netns exec "$1" sh -c 'iptables-save -c; ip6tables-save -c' |
    awk '/-j NFQUEUE/ { split($1, c, ":"); s += substr(c[1], 2) } END { print s + 0 }'
}

say "1. two test hosts: $A ($A4) and $B ($B4), joined by a veth pair"
ip netns add "$A"; ip netns add "$B"
ip link add "$VETH" netns "$A" type veth peer name "$VETH" netns "$B"
for ns in "$A:$A4" "$B:$B4"; do
  ip -n "${ns%%:*}" link set lo up
  ip -n "${ns%%:*}" addr add "${ns##*:}/24" dev "$VETH"
  ip -n "${ns%%:*}" link set "$VETH" up
done

say "2. service files, written with the zcc tool"
zcc_tool --file "$work/a.xml" --pid-file "$work/a.pid" service add --name web --host "$B4" --port $PORT --type server
zcc_tool --file "$work/b.xml" --pid-file "$work/b.pid" service add --name web --host "$A4" --port $PORT --type client
echo "host A: I connect to $B4:$PORT (type=server)"; "$top/zcc" --file "$work/a.xml" service list
echo "host B: $A4 connects to me on $PORT (type=client)"; "$top/zcc" --file "$work/b.xml" service list

say "3. a pairwise key (zcc keygen), the same on both hosts, each file mode 0600"
key=$("$top/zcc" keygen | cut -d' ' -f2)
echo "$B4 $key" >"$work/a.keys"; echo "$A4 $key" >"$work/b.keys"; chmod 600 "$work/a.keys" "$work/b.keys"
echo "    host A: $B4 ${key:0:8}...   host B: $A4 ${key:0:8}..."

say "4. one zcc_configd per host"
for h in a b; do
  ns=$A; [[ $h == b ]] && ns=$B
  TMPDIR=$work ip netns exec "$ns" "$top/zcc" configd --file "$work/$h.xml" --pid-file "$work/$h.pid" \
    --key-file "$work/$h.keys" --stats-file "$work/zcc_configd.stats.$h" \
    >"$work/agent-$h.log" 2>&1 &
  pids+=($!)
done
for h in a b; do
  for _ in $(seq 100); do [[ -f $work/$h.pid ]] && break; sleep 0.1; done
  [[ -f $work/$h.pid ]] || { cat "$work/agent-$h.log"; echo "demo: agent $h did not start" >&2; exit 1; }
done
for ns in "$A" "$B"; do  # what pgrep -x zcc_configd matches: the process name
  echo "    $ns: $(ip netns pids "$ns" | xargs -r ps -o pid=,comm= -p)"
done
grep -h "kernel probe\|reloaded" "$work/agent-a.log"

say "5. an HTTP server on host B, a client on host A"
mkdir -p "$work/www"
echo "Hello from host B: this page is the application's plaintext." >"$work/www/index.html"
in_b python3 -m http.server $PORT --bind $B4 --directory "$work/www" >"$work/http.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do in_a bash -c "exec 3<>/dev/tcp/$B4/$PORT" 2>/dev/null && break; sleep 0.1; done
in_b tcpdump -i "$VETH" -U -n -A -s 0 -w "$work/wire.pcap" "tcp port $PORT" >/dev/null 2>&1 &
pids+=($!)
sleep 1
before_a=$(queued "$A") before_b=$(queued "$B")
echo "application on A received:"
in_a curl -s --max-time 5 "http://$B4:$PORT/" | sed 's/^/    /'
sleep 1
kill "${pids[-1]}" 2>/dev/null || true; sleep 0.5

say "6. the wire (tcpdump on host B's veth): same addresses, ports and sequence numbers, option 253, ciphertext"
tcpdump -r "$work/wire.pcap" -n 2>/dev/null | head -8 | cut -c1-150 | sed 's/^/    /'
echo "    the response as it crossed the wire (first bytes of the largest segment):"
tcpdump -r "$work/wire.pcap" -n -X 'tcp src port '$PORT' and greater 150' 2>/dev/null | sed -n '2,8p' | sed 's/^/    /'
if tcpdump -r "$work/wire.pcap" -A 2>/dev/null | grep -q "Hello from host B"; then
  echo "    !! the page's text is visible on the wire" ; exit 1
else
  echo "    the page's text (\"Hello from host B\") appears nowhere in the capture"
fi

say "7. counters: what each agent did (zcc stats)"
sleep 1.2
for h in a b; do
  echo "    host ${h^^}: $(grep -E '^(sealed|opened|handshakes|refused|drop\.bad_mac|drop\.missing_option)=' "$work/zcc_configd.stats.$h" 2>/dev/null | tr '\n' ' ')"
done
echo "    packets the kernels queued: host A $(( $(queued "$A") - before_a )), host B $(( $(queued "$B") - before_b ))"

say "8. reload: switch the service off on A (open connections would stay protected)"
"$top/zcc" --file "$work/a.xml" --pid-file "$work/a.pid" service disable web || true
sleep 1
grep "reloaded" "$work/agent-a.log" | tail -1 | sed 's/^/    /'

say "9. stopping the agents (their last words are their counters) and removing the hosts"
for p in "${pids[@]:0:2}"; do kill "$p" 2>/dev/null || true; done
sleep 1.5
grep -h "stopping" "$work/agent-a.log" "$work/agent-b.log" | sed 's/.*stopping: /    /'
