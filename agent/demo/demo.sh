#!/usr/bin/env bash
# The main job on one machine: two namespace hosts, an agent (zcc_configd) on each, an HTTP
# service between them protected by ZCC, keyed by the key server. Run through "./zcc demo" (as
# root), which builds first.
#
# The key server runs on Derby in host A's namespace; both hosts enroll with "zcc enroll", the
# administrator approves them with "zcc-keyserver admin", and the agents get their session keys
# from Noise KK handshakes relayed by the key server (no pre-shared key anywhere; a first SYN
# waits in the kernel for the handshake: the agents run with --no-prekey). The demo shows
# the application's plaintext beside a capture of the wire, each agent's counters, a reload, then
# revokes host A and times how long until B refuses A's new connections, and removes everything
# it created.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "demo: needs root (network namespaces, nftables, NFQUEUE)" >&2; exit 1; }

A=zccdemo-a-$$ B=zccdemo-b-$$ VETH=zdemo$$
A4=198.18.0.1 B4=198.18.0.2 PORT=8080 KSPORT=8443
KS4=198.18.0.10  # the key server's own address in host A's namespace: a host may not enroll with it
KS=https://$KS4:$KSPORT
work=$(mktemp -d /tmp/zcc-demo.XXXXXX)
pids=() agent_pids=()  # background processes: started with "ip netns exec" itself (not in_a/in_b),
                       # so that $! is the process's own pid (ip netns exec and ./zcc exec it)

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }
in_a() { ip netns exec "$A" "$@"; }
in_b() { ip netns exec "$B" "$@"; }
ns_of() { if [[ $1 == a ]]; then echo "$A"; else echo "$B"; fi; }
addr_of() { if [[ $1 == a ]]; then echo "$A4"; else echo "$B4"; fi; }
zcc_tool() { "$top/zcc" "$@" >/dev/null 2>&1 || [[ $? -eq 4 ]]; }  # 4: saved, daemon not started yet
admin() {  # zcc-keyserver admin, run where the key server is reachable (host A's namespace)
  in_a "$top/zcc" keyserver admin --credentials "$work/admin" --server "$KS" "$@"
}
stat_of() { sed -n "s/^$2=//p" "$work/zcc_configd.stats.$1" 2>/dev/null | head -1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
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

say "3. the key server, on Derby, in host A's namespace at $KS"
"$top/zcc" keyserver admin-init --home "$work/keyserver" --out "$work/admin" | sed 's/^/    /'
(umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n' >"$work/db-password")
echo "    Derby password: random, in $work/db-password (mode $(stat -c %a "$work/db-password"))"
ip -n "$A" addr add "$KS4/24" dev "$VETH"
ip netns exec "$A" "$top/zcc" keyserver --home "$work/keyserver" --bind "$KS4" --port $KSPORT \
  --db-password-file "$work/db-password" >"$work/keyserver.log" 2>&1 &
ks_pid=$! pids+=($!)
for _ in $(seq 600); do
  grep -q "serving" "$work/keyserver.log" 2>/dev/null && break
  kill -0 "$ks_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "serving" "$work/keyserver.log" || { cat "$work/keyserver.log"; die "the key server did not start"; }
grep -h "serving" "$work/keyserver.log" | tail -1 | cut -c1-160 | sed 's/^/    /'
[[ -d $work/keyserver/keystore ]] || die "no Derby database in $work/keyserver/keystore"
echo "    key server pid $ks_pid: Derby database in $work/keyserver/keystore, fleet CA in $work/keyserver/ca"

say "4. enrollment: a one-time token per host, zcc enroll on each host, the admin approves"
for h in a b; do
  token=$(admin token | sed -n 's/^token *//p')
  [[ -n $token ]] || die "no enrollment token"
  echo "    host ${h^^}: token ${token:0:6}... (one-time, from: zcc-keyserver admin token)"
  rc=0
  ip netns exec "$(ns_of $h)" "$top/zcc" enroll --server "$KS" --token "$token" --ca-cert "$work/admin/ca.crt" \
    --address "$(addr_of $h)" --identity "$work/id-$h" >"$work/enroll-$h.log" 2>&1 || rc=$?
  [[ $rc -eq 5 ]] || { cat "$work/enroll-$h.log"; die "zcc enroll on host ${h^^} exited $rc (5 expected: waiting for approval)"; }
  sed -n '1p' "$work/enroll-$h.log" | sed "s/^/    host ${h^^}: /"
  echo "    host ${h^^}: zcc enroll exited 5 (requested, waiting for approval)"
done
echo "    admin hosts:"; admin hosts | sed 's/^/      /'
for h in a b; do
  admin approve "$(cat "$work/id-$h/key-id")" | sed 's/^/    /'
done
echo "    admin hosts:"; admin hosts | sed 's/^/      /'
for h in a b; do
  ip netns exec "$(ns_of $h)" "$top/zcc" enroll --finish --identity "$work/id-$h" >"$work/finish-$h.log" 2>&1 ||
    { cat "$work/finish-$h.log"; die "zcc enroll --finish on host ${h^^} failed"; }
  tail -1 "$work/finish-$h.log" | sed "s/^/    host ${h^^} (zcc enroll --finish): /"
done

say "5. one zcc_configd per host: keys from the key server (--identity), no key file"
# --no-prekey: each agent runs the relayed handshake on the first SYN to a peer, so step 8 can show
# the first-contact wait; by default (--prekey) it keys the peers its file names when it applies it
echo "    --no-prekey: the first SYN to a peer starts the relayed Noise KK handshake and waits for it"
for h in a b; do
  TMPDIR=$work ip netns exec "$(ns_of $h)" "$top/zcc" configd --file "$work/$h.xml" --pid-file "$work/$h.pid" \
    --identity "$work/id-$h" --no-prekey --key-file "$work/no-such-key-file" --stats-file "$work/zcc_configd.stats.$h" \
    >"$work/agent-$h.log" 2>&1 &
  pids+=($!) agent_pids+=($!)
done
for h in a b; do
  for _ in $(seq 200); do grep -q "relayed Noise handshakes" "$work/agent-$h.log" && [[ -f $work/$h.pid ]] && break; sleep 0.1; done
  [[ -f $work/$h.pid ]] || { cat "$work/agent-$h.log"; die "agent $h did not start"; }
  grep -q "relayed Noise handshakes" "$work/agent-$h.log" || { cat "$work/agent-$h.log"; die "agent $h does not use the key server"; }
done
[[ ! -e $work/no-such-key-file ]] || die "a key file exists"
for ns in "$A" "$B"; do  # what pgrep -x zcc_configd matches: the process name
  echo "    $ns: $(ip netns pids "$ns" | xargs -r ps -o pid=,comm= -p | tr '\n' ' ')"
done
for h in a b; do
  grep -h "relayed Noise handshakes" "$work/agent-$h.log" | sed 's/.*keys: /keys: /' | sed "s/^/    host ${h^^}: /"
done
grep -h "kernel probe\|reloaded" "$work/agent-a.log" | sed 's/^/    /'

say "6. an HTTP server on host B, a client on host A: A's first protected connection to B"
mkdir -p "$work/www"
echo "Hello from host B: this page is the application's plaintext." >"$work/www/index.html"
ip netns exec "$B" python3 -m http.server $PORT --bind $B4 --directory "$work/www" >"$work/http.log" 2>&1 &
pids+=($!)
# readiness checked on B itself (not protected), so that curl below is A's first connection to B
for _ in $(seq 50); do in_b bash -c "exec 3<>/dev/tcp/$B4/$PORT" 2>/dev/null && break; sleep 0.1; done
ip netns exec "$B" tcpdump -i "$VETH" -U -n -A -s 0 -w "$work/wire.pcap" "tcp port $PORT" >/dev/null 2>&1 &
pids+=($!)
sleep 1
before_a=$(queued "$A") before_b=$(queued "$B")
echo "application on A received:"
in_a curl -s --max-time 5 "http://$B4:$PORT/" | sed 's/^/    /'
sleep 1
kill "${pids[-1]}" 2>/dev/null || true; sleep 0.5

say "7. the wire (tcpdump on host B's veth): same addresses, ports and sequence numbers, option 253, ciphertext"
tcpdump -r "$work/wire.pcap" -n 2>/dev/null | head -8 | cut -c1-150 | sed 's/^/    /'
echo "    the response as it crossed the wire (first bytes of the largest segment):"
tcpdump -r "$work/wire.pcap" -n -X 'tcp src port '$PORT' and greater 150' 2>/dev/null | sed -n '2,8p' | sed 's/^/    /'
if tcpdump -r "$work/wire.pcap" -A 2>/dev/null | grep -q "Hello from host B"; then
  echo "    !! the page's text is visible on the wire" ; exit 1
else
  echo "    the page's text (\"Hello from host B\") appears nowhere in the capture"
fi

say "8. counters: what each agent did (zcc stats)"
sleep 1.2
for h in a b; do
  echo "    host ${h^^}: $(grep -E '^(sealed|opened|handshakes|refused|drop\.bad_mac|drop\.missing_option|held_syns|hold_us_max)=' "$work/zcc_configd.stats.$h" 2>/dev/null | tr '\n' ' ')"
done
held=$(stat_of a held_syns) hold=$(stat_of a hold_us_max)
if [[ ${held:-0} -ge 1 ]]; then
  echo "    first contact: A held the first SYN in the kernel for $hold us ($(( hold / 1000 )) ms) while the Noise KK"
  echo "    handshake went A -> key server -> B -> key server -> A (held_syns=$held hold_us_max=$hold)"
else  # an agent that keys its configured peers when it applies the service file has nothing to hold
  echo "    first contact: no SYN waited (held_syns=${held:-0} hold_us_max=${hold:-0}): the agents had run the relayed"
  echo "    Noise KK handshake when they applied their service files, before the first connection"
fi
echo "    handshakes (connections keyed with the Noise session): A $(stat_of a handshakes), B $(stat_of b handshakes)"
echo "    packets the kernels queued: host A $(( $(queued "$A") - before_a )), host B $(( $(queued "$B") - before_b ))"

say "9. reload: switch the service off on A and on again (open connections would stay protected)"
"$top/zcc" --file "$work/a.xml" --pid-file "$work/a.pid" service disable web || true
sleep 1
grep "reloaded" "$work/agent-a.log" | tail -1 | sed 's/^/    /'
"$top/zcc" --file "$work/a.xml" --pid-file "$work/a.pid" service enable web || true
sleep 1
grep "reloaded" "$work/agent-a.log" | tail -1 | sed 's/^/    /'

say "10. revocation: the admin revokes host A; B refuses A's new connections within a bounded time"
in_a curl -s -o /dev/null --max-time 5 "http://$B4:$PORT/" && echo "    before: A fetches the page" ||
  die "A cannot fetch the page before the revocation"
admin revoke "$(cat "$work/id-a/key-id")" | sed 's/^/    /'
t0=$(now_ms) refused_ms=-1
while (( $(now_ms) - t0 < 15000 )); do  # one try every 0.5 s, each with a 1 s timeout
  if ! in_a curl -s -o /dev/null --max-time 1 "http://$B4:$PORT/"; then refused_ms=$(( $(now_ms) - t0 )); break; fi
  sleep 0.5
done
(( refused_ms >= 0 )) || die "A could still connect 15 s after the revocation"
echo "    A's connection refused $refused_ms ms after Admin.revoke returned (B revalidates its peers every 10 s)"
for _ in $(seq 30); do [[ $(stat_of b revoked_peers) -ge 1 ]] 2>/dev/null && break; sleep 0.1; done
sleep 1.1  # the stats file is rewritten every second
echo "    host B: revoked_peers=$(stat_of b revoked_peers) drop.unknown_key_id=$(stat_of b drop.unknown_key_id)"
echo "    admin hosts:"; admin hosts | sed 's/^/      /'

say "11. stopping the agents (their last words are their counters), the key server, and removing the hosts"
for p in "${agent_pids[@]}"; do kill "$p" 2>/dev/null || true; done
sleep 1.5
grep -h "stopping" "$work/agent-a.log" "$work/agent-b.log" | sed 's/.*stopping: /    /'
kill "$ks_pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$ks_pid" 2>/dev/null || break; sleep 0.1; done
sed -n 's/.*Shutting down instance .* on database directory \([^ ]*\).*/    key server stopped: Derby shut down cleanly (\1)/p' \
  "$work/keyserver.log" | tail -1
