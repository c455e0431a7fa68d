#!/usr/bin/env bash
# ZCC interception benchmark (issue 2, "foundation").
#
# Two network-namespace hosts joined by a veth pair (198.18.0.1 client,
# 198.18.0.2 server; RFC 2544 benchmark range only). For each mode, in the
# same run: bulk throughput (iperf3, one stream), 64 B request/response
# transactions per second over one connection (rr) and 64 B
# connect/request/response/close per second (crr).
#
# Modes
#   plaintext  no queueing
#   c-loop     every benchmark packet queued at all four hook points (each
#              host: mangle OUTPUT = egress, raw PREROUTING = ingress) with the
#              iptables-nft NFQUEUE target, no --queue-bypass (fail closed, as
#              DESIGN.md section 2), served by agent/bench/c/nfq_accept in each host
#   java       the same rules, served by the Java pass-through (command in
#              ZCCB_JAVA_CMD, so the full agent daemon can be measured later)
#
# Usage: agent/bench/run.sh [-t secs] [--modes plaintext,c-loop,java] [-o file.md]
#                     [--pin one|split|none] [--queues N] [--warmup secs] [--keep]
#
# Environment
#   ZCCB_JAVA_CMD   command run (via bash -c "exec ...") in each host for the
#                   java mode. $AGENT_CP, $QFIRST, $QCOUNT are exported to it.
#                   Default: java $ZCCB_JAVA_OPTS -cp "$AGENT_CP"
#                            net.zcc.agent.nfqueue.PassThroughMain $QFIRST $QCOUNT
#   ZCCB_JAVA_OPTS  extra JVM options for the default command
#   ZCCB_AGENT_CP   agent classpath; if unset the agent is built with Maven
#                   (under the shared flock) and the classpath computed
#   ZCCB_TOTAL_TIMEOUT  overall limit in seconds (default 900)
#
# Must run as root. Needs iperf3, jq, gcc, libnetfilter-queue-dev,
# iptables (iptables-nft), iproute2, taskset, timeout.
set -euo pipefail

# --- overall bound: re-exec under timeout(1); its SIGTERM runs our trap ----
if [[ -z "${ZCCB_UNDER_TIMEOUT:-}" ]]; then
    export ZCCB_UNDER_TIMEOUT=1
    exec timeout -k 20 "${ZCCB_TOTAL_TIMEOUT:-900}" "$0" "$@"
fi

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/../.." && pwd)"
BIN_DIR="$BENCH_DIR/c"

# --- options ---------------------------------------------------------------
SECS=5
MODES="plaintext,c-loop,java,zcc"
OUT=""
PIN="one"
QCOUNT=2
QFIRST=0
WARMUP=10  # the JVM agents need it: with 2 s, C2 was still compiling the connection paths during crr
KEEP=0      # --keep: keep the work directory (helper and server logs)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        -t) SECS="$2"; shift 2 ;;
        --modes) MODES="$2"; shift 2 ;;
        -o) OUT="$2"; shift 2 ;;
        --pin) PIN="$2"; shift 2 ;;
        --queues) QCOUNT="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 ;;
    esac
done
[[ "$SECS" =~ ^[0-9]+$ && "$SECS" -ge 1 ]] || { echo "-t wants whole seconds >= 1" >&2; exit 2; }
[[ "$QCOUNT" =~ ^[0-9]+$ && "$QCOUNT" -ge 1 ]] || { echo "--queues wants N >= 1" >&2; exit 2; }

# Pinning (STACK-NOTES: unpinned runs on the 2-vCPU VM are bimodal).
#   one:   client, servers and queue processes all on CPU 0 (the layout of the
#          STACK-NOTES figures; measures total CPU cost per packet).
#   split: client and servers on CPU 0, queue processes on CPU 1.
#   none:  all CPUs allowed (shows the bimodal spread; not for figures).
case "$PIN" in
    one)   APP_CPU=0; Q_CPU=0 ;;
    split) APP_CPU=0; Q_CPU=1 ;;
    none)  APP_CPU="0-$(($(nproc) - 1))"; Q_CPU="$APP_CPU" ;;   # for comparison only: bimodal
    *) echo "--pin one|split|none" >&2; exit 2 ;;
esac

NA="zccb-a-$$"            # client host
NB="zccb-b-$$"            # server host
IP_A=198.18.0.1
IP_B=198.18.0.2
PORT_BULK=5201            # iperf3
PORT_RR=5202              # tcp_rr server (serves rr and crr)
QUEUED_PORTS="5201:5202"  # the service ports whose packets are queued

WORK="$(mktemp -d /tmp/zccb-$$.XXXXXX)"
PIDS="$WORK/pids"         # every process we start, one pid a line
RESULTS="$WORK/results"   # "mode metric value" lines
: >"$PIDS"; : >"$RESULTS"

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# --- process bookkeeping: we only ever kill pids we started ----------------
LAST_PID=""
start_bg() {  # start_bg <logfile> <cmd...>; pid recorded in $PIDS and LAST_PID
    "${@:2}" >"$1" 2>&1 &
    LAST_PID=$!
    echo "$LAST_PID" >>"$PIDS"
}

stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        # a child of ours that has exited stays a zombie until waited for
        [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] \
        && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stop_all() {  # stop everything we started, newest first
    local pid
    [[ -s "$PIDS" ]] || return 0
    for pid in $(tac "$PIDS"); do stop_pid "$pid"; done
    : >"$PIDS"
}

flush_rules() {  # only inside our own namespaces
    local ns
    for ns in "$NA" "$NB"; do
        ip netns exec "$ns" iptables -t mangle -F OUTPUT 2>/dev/null || true
        ip netns exec "$ns" iptables -t raw -F PREROUTING 2>/dev/null || true
    done
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    flush_rules
    stop_all
    ip netns del "$NA" 2>/dev/null || true
    ip netns del "$NB" 2>/dev/null || true
    if [[ $rc -ne 0 || $KEEP -eq 1 ]]; then log "exit $rc; logs kept in $WORK"; else rm -rf "$WORK"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 143' INT TERM

# --- build -------------------------------------------------------------------
build_c() {
    make -s -C "$BIN_DIR" >&2
}

AGENT_CP="${ZCCB_AGENT_CP:-}"
build_java() {
    [[ -n "$AGENT_CP" ]] && return 0
    local cpfile="$WORK/agent.cp"
    log "building agent (mvn, under /tmp/zcc-mvn.lock)"
    # Others build in the same tree in parallel: always take the shared lock.
    # -am also installs the parent pom; without it dependency:build-classpath
    # cannot read the installed jmx-api's descriptor on a fresh ~/.m2.
    ( cd "$REPO_DIR" &&
      flock /tmp/zcc-mvn.lock mvn -B -q -pl jmx-api,agent -am install -DskipTests &&
      flock /tmp/zcc-mvn.lock mvn -B -q -pl agent dependency:build-classpath \
          -Dmdep.includeScope=runtime -Dmdep.outputFile="$cpfile" ) >"$WORK/mvn.log" 2>&1 \
        || { log "agent build failed:"; tail -20 "$WORK/mvn.log" >&2; return 1; }
    AGENT_CP="$REPO_DIR/agent/target/classes:$(cat "$cpfile")"
}

# --- network ---------------------------------------------------------------
setup_net() {
    ip netns add "$NA"
    ip netns add "$NB"
    # created directly inside the namespaces: nothing is left in the root
    # namespace if anything fails later (deleting a namespace deletes its veth)
    ip link add "zb$$a" netns "$NA" type veth peer name "zb$$b" netns "$NB"
    ip -n "$NA" link set lo up
    ip -n "$NB" link set lo up
    ip -n "$NA" addr add "$IP_A/24" dev "zb$$a"
    ip -n "$NB" addr add "$IP_B/24" dev "zb$$b"
    ip -n "$NA" link set "zb$$a" up
    ip -n "$NB" link set "zb$$b" up
    # crr closes on the client side: TIME_WAIT piles up there. Reuse it and
    # widen the port range so 5 s of churn never runs out of ports.
    ip netns exec "$NA" sysctl -qw net.ipv4.tcp_tw_reuse=1
    ip netns exec "$NA" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
}

queue_target() {
    if [[ "$QCOUNT" -eq 1 ]]; then echo "--queue-num $QFIRST"
    else echo "--queue-balance $QFIRST:$((QFIRST + QCOUNT - 1))"; fi
}

add_queue_rules() {
    # Egress after conntrack (mangle OUTPUT), ingress before it (raw
    # PREROUTING), both directions of the service ports: 4 hook points in
    # total, every packet queued twice (once leaving, once arriving).
    # No --queue-bypass: with no reader the traffic stops (fail closed).
    local ns tgt
    tgt=$(queue_target)
    for ns in "$NA" "$NB"; do
        # shellcheck disable=SC2086
        {
        ip netns exec "$ns" iptables -t mangle -A OUTPUT     -p tcp --dport "$QUEUED_PORTS" -j NFQUEUE $tgt
        ip netns exec "$ns" iptables -t mangle -A OUTPUT     -p tcp --sport "$QUEUED_PORTS" -j NFQUEUE $tgt
        ip netns exec "$ns" iptables -t raw    -A PREROUTING -p tcp --dport "$QUEUED_PORTS" -j NFQUEUE $tgt
        ip netns exec "$ns" iptables -t raw    -A PREROUTING -p tcp --sport "$QUEUED_PORTS" -j NFQUEUE $tgt
        }
    done
}

# Sum over our queues of: id_sequence (packets ever queued), queue_dropped,
# user_dropped. Columns of /proc/net/netfilter/nfnetlink_queue: queue
# peer_portid queue_total copy_mode copy_range queue_dropped user_dropped
# id_sequence 1.
queue_stats() {  # queue_stats <ns> -> "bound seq qdrop udrop"
    ip netns exec "$1" cat /proc/net/netfilter/nfnetlink_queue |
        awk -v f="$QFIRST" -v n="$QCOUNT" '$1>=f && $1<f+n {b++; s+=$8; q+=$6; u+=$7}
             END {printf "%d %d %d %d\n", b, s, q, u}'
}

# --- queue helpers -----------------------------------------------------------
C_CMD='"$BIN_DIR/nfq_accept" $QFIRST $QCOUNT'
JAVA_CMD="${ZCCB_JAVA_CMD:-java -Djna.tmpdir=\"\$ZCCB_TMP\" \$ZCCB_JAVA_OPTS -cp \"\$AGENT_CP\" net.zcc.agent.nfqueue.PassThroughMain \$QFIRST \$QCOUNT}"
export BIN_DIR QFIRST QCOUNT AGENT_CP ZCCB_JAVA_OPTS="${ZCCB_JAVA_OPTS:-}" ZCCB_TMP="$WORK"

# The agent of each host finds its files by its namespace's name.
ZCC_CMD="${ZCCB_ZCC_CMD:-java -Djna.tmpdir=\"\$ZCCB_TMP\" \$ZCCB_JAVA_OPTS -cp \"\$AGENT_CP\" net.zcc.agent.AgentMain --file \"\$ZCCB_TMP/zcc-\$(ip netns identify).xml\" --pid-file \"\$ZCCB_TMP/zcc-\$(ip netns identify).pid\" --key-file \"\$ZCCB_TMP/zcc.keys\" --first-queue \$QFIRST --queues \$QCOUNT}"

write_zcc_config() {  # service files for both hosts (A is the client of B's two ports), one shared key
    local port
    {
        echo '<services version="1">'
        for port in "$PORT_BULK" "$PORT_RR"; do
            echo "  <service name=\"p$port\" host=\"$IP_B\" port=\"$port\" type=\"server\" scheme=\"aes-256\" encrypt=\"true\"/>"
        done
        echo '</services>'
    } >"$WORK/zcc-$NA.xml"
    {
        echo '<services version="1">'
        for port in "$PORT_BULK" "$PORT_RR"; do
            echo "  <service name=\"p$port\" host=\"$IP_A\" port=\"$port\" type=\"client\" scheme=\"aes-256\" encrypt=\"true\"/>"
        done
        echo '</services>'
    } >"$WORK/zcc-$NB.xml"
    ( umask 077; echo "* $(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$WORK/zcc.keys" )
}

start_queue_helpers() {  # start_queue_helpers <name> <cmd-template>
    local name=$1 cmd=$2 ns pid i st
    export AGENT_CP
    for ns in "$NA" "$NB"; do
        # bash -c "exec ..." so the recorded pid is the helper itself
        start_bg "$WORK/$name-$ns.log" ip netns exec "$ns" taskset -c "$Q_CPU" bash -c "exec $cmd"
        pid=$LAST_PID
        # Wait until all queues are bound (a JVM needs ~1.5 s).
        for i in $(seq 300); do
            st=$(queue_stats "$ns")
            [[ "${st%% *}" -ge "$QCOUNT" ]] && break
            if ! kill -0 "$pid" 2>/dev/null || [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]]; then
                log "$name queue helper in $ns exited before binding its queues. Log:"
                tail -20 "$WORK/$name-$ns.log" >&2
                return 1
            fi
            sleep 0.1
        done
        [[ "${st%% *}" -ge "$QCOUNT" ]] || { log "$name: queues not bound in $ns after 30 s"; return 1; }
    done
}

# --- measurements ------------------------------------------------------------
start_servers() {
    start_bg "$WORK/iperf3-server.log" ip netns exec "$NB" taskset -c "$APP_CPU" \
        iperf3 -s -B "$IP_B" -p "$PORT_BULK"
    start_bg "$WORK/tcp_rr-server.log" ip netns exec "$NB" taskset -c "$APP_CPU" \
        "$BIN_DIR/tcp_rr" -s -b "$IP_B" -p "$PORT_RR"
    # wait for both listeners
    local i
    for i in $(seq 50); do
        ip netns exec "$NB" ss -Hltn "( sport = :$PORT_BULK or sport = :$PORT_RR )" | grep -c LISTEN |
            grep -qx 2 && return 0
        sleep 0.1
    done
    log "servers did not start"; return 1
}

client() {  # client <secs> <cmd...>: pinned, in the client host, time-limited
    local s=$1; shift
    ip netns exec "$NA" taskset -c "$APP_CPU" timeout --foreground -k 5 $((s + 20)) "$@"
}

run_bulk() {  # -> Gbit/s received
    local s=$1 json
    json=$(client "$s" iperf3 -c "$IP_B" -p "$PORT_BULK" -t "$s" -J) || {
        log "iperf3 failed: $(jq -r '.error // empty' <<<"$json" 2>/dev/null)"; return 1; }
    jq -r '.end.sum_received.bits_per_second / 1e9' <<<"$json"
}

run_rr() {  # run_rr rr|crr <secs> -> ops/s
    local line
    line=$(client "$2" "$BIN_DIR/tcp_rr" -m "$1" -H "$IP_B" -p "$PORT_RR" -t "$2") || return 1
    sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<<"$line"
}

# Both hosts together: "bound_a bound_b passes queue_dropped user_dropped".
# passes = id_sequence delta, i.e. packets handed to userspace (each packet
# counts twice: once at the sender's OUTPUT, once at the receiver's PREROUTING).
both_stats() {
    local a b
    a=($(queue_stats "$NA")); b=($(queue_stats "$NB"))
    echo "${a[0]} ${b[0]} $((a[1] + b[1])) $((a[2] + b[2])) $((a[3] + b[3]))"
}

measure_one() {  # measure_one <mode> <metric> <cmd...>: run, record value and queue sanity
    local mode=$1 metric=$2 v
    local -a s0 s1
    shift 2
    log "$mode: $metric ${SECS}s"
    s0=($(both_stats))
    v=$("$@")
    s1=($(both_stats))
    echo "$mode $metric $v" >>"$RESULTS"
    local passes=$((s1[2] - s0[2]))
    printf '%-9s %-4s queues bound a=%d b=%d; queue passes %d (%d/s); queue_dropped %d; user_dropped %d
' \
        "$mode" "$metric" "${s1[0]}" "${s1[1]}" "$passes" $((passes / SECS)) \
        $((s1[3] - s0[3])) $((s1[4] - s0[4])) >>"$WORK/sanity"
    if [[ "$mode" != plaintext && $passes -le 0 ]]; then
        log "$mode $metric: no packet went through the queues - the rules did not match"; return 1
    fi
    if [[ "$mode" == plaintext && $passes -ne 0 ]]; then
        log "plaintext $metric: packets were queued - leftover rules?"; return 1
    fi
}

measure_mode() {  # runs in a subshell with set -e; results appended to $RESULTS
    local mode=$1
    start_servers
    case "$mode" in
        plaintext) ;;
        c-loop) start_queue_helpers c-loop "$C_CMD"; add_queue_rules ;;
        java)
            # with ZCCB_AGENT_CP the classes may live elsewhere (a snapshot): trust it
            if [[ -z "${ZCCB_JAVA_CMD:-}" && -z "${ZCCB_AGENT_CP:-}" && ! -f "$REPO_DIR/agent/target/classes/net/zcc/agent/nfqueue/PassThroughMain.class" ]]; then
                log "java mode: net.zcc.agent.nfqueue.PassThroughMain is not built (no agent/target/classes/net/zcc/agent/nfqueue/PassThroughMain.class); skipping"
                return 1
            fi
            start_queue_helpers java "$JAVA_CMD"; add_queue_rules ;;
        zcc)
            # The whole agent: zcc_configd installs its own rules (nft table + xtables mark
            # rules) for the two service ports and seals/opens every segment (aes-256).
            write_zcc_config
            start_queue_helpers zcc "$ZCC_CMD"
            # Queues bind before the rules go in; the pid file appears once both are in place.
            local i
            for i in $(seq 100); do
                [[ -f "$WORK/zcc-$NA.pid" && -f "$WORK/zcc-$NB.pid" ]] && break
                sleep 0.1
            done ;;
        *) log "unknown mode $mode"; return 1 ;;
    esac

    # Warm-up, untimed: JIT for the JVM, caches and conntrack for everyone.
    log "$mode: warm-up ${WARMUP}s x3"
    run_bulk "$WARMUP" >/dev/null
    run_rr rr "$WARMUP" >/dev/null
    run_rr crr "$WARMUP" >/dev/null

    measure_one "$mode" bulk run_bulk "$SECS"
    measure_one "$mode" rr   run_rr rr "$SECS"
    measure_one "$mode" crr  run_rr crr "$SECS"
}

# --- report ------------------------------------------------------------------
val() { awk -v m="$1" -v k="$2" '$1==m && $2==k {print $3}' "$RESULTS"; }

fmt() {  # fmt <metric> <value>
    [[ -z "$2" ]] && { echo "n/a"; return; }
    case "$1" in
        bulk) printf '%.2f' "$2" ;;
        *)    printf '%.0f' "$2" ;;
    esac
}

ratio() {  # ratio <num-mode> <den-mode> <metric>
    local n d
    n=$(val "$1" "$3"); d=$(val "$2" "$3")
    [[ -n "$n" && -n "$d" ]] || { echo "n/a"; return; }
    awk -v n="$n" -v d="$d" 'BEGIN { if (d > 0) printf "%.2f", n / d; else print "n/a" }'
}

report() {
    local m
    echo "## ZCC interception benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); kernel $(uname -r); $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "- duration ${SECS}s per figure, warm-up ${WARMUP}s per figure; pinning: $PIN (client+servers CPU $APP_CPU, queue helpers CPU $Q_CPU)"
    echo "- queued modes: NFQUEUE $(queue_target), 4 hook points (mangle OUTPUT + raw PREROUTING on both hosts), no bypass, ports $QUEUED_PORTS"
    echo "- bulk: iperf3 one stream, receiver Gbit/s; rr: 64 B req/resp over one TCP connection, trans/s; crr: connect + 64 B req/resp + close, conn/s"
    [[ " ${MODES//,/ } " == *" java "* ]] && echo "- java command: \`$JAVA_CMD\`"
    [[ " ${MODES//,/ } " == *" zcc "* ]] && echo "- zcc: the whole agent (\`net.zcc.agent.AgentMain\`, aes-256, its own rules) on both hosts"
    echo
    echo "| mode | bulk Gbit/s | rr trans/s | crr conn/s |"
    echo "|---|---:|---:|---:|"
    for m in ${MODES//,/ }; do
        echo "| $m | $(fmt bulk "$(val "$m" bulk)") | $(fmt rr "$(val "$m" rr)") | $(fmt crr "$(val "$m" crr)") |"
    done
    echo "| java / c-loop | $(ratio java c-loop bulk) | $(ratio java c-loop rr) | $(ratio java c-loop crr) |"
    echo "| zcc / c-loop | $(ratio zcc c-loop bulk) | $(ratio zcc c-loop rr) | $(ratio zcc c-loop crr) |"
    echo "| zcc / plaintext | $(ratio zcc plaintext bulk) | $(ratio zcc plaintext rr) | $(ratio zcc plaintext crr) |"
    echo "| c-loop / plaintext | $(ratio c-loop plaintext bulk) | $(ratio c-loop plaintext rr) | $(ratio c-loop plaintext crr) |"
    echo
    if [[ -s "$WORK/sanity" ]]; then
        echo "Sanity, from /proc/net/netfilter/nfnetlink_queue of both hosts (queue passes = id_sequence delta during that measurement):"
        echo
        sed 's/^/    /' "$WORK/sanity"
        echo
    fi
    [[ -s "$WORK/failed" ]] && { echo "Failed modes: $(tr '\n' ' ' <"$WORK/failed")"; echo; }
    return 0
}

# --- main --------------------------------------------------------------------
[[ $EUID -eq 0 ]] || { echo "run as root" >&2; exit 1; }
for t in iperf3 jq gcc ip iptables taskset timeout ss; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done

build_c
if [[ " ${MODES//,/ } " == *" java "* || " ${MODES//,/ } " == *" zcc "* ]] && [[ -z "${ZCCB_JAVA_CMD:-}" ]]; then
    build_java || echo java >>"$WORK/failed"
fi
setup_net
log "hosts $NA ($IP_A) and $NB ($IP_B) up; modes $MODES; ${SECS}s each; pin $PIN"

for mode in ${MODES//,/ }; do
    grep -qx "$mode" "$WORK/failed" 2>/dev/null && continue
    # Subshell with errexit in force (a function in an `if` would lose it);
    # whatever it leaves behind is cleaned before the next mode.
    set +e
    ( set -e; trap 'flush_rules; stop_all' EXIT; measure_mode "$mode" )
    rc=$?
    set -e
    [[ $rc -eq 0 ]] || { log "mode $mode failed (rc $rc)"; echo "$mode" >>"$WORK/failed"; }
    flush_rules
    stop_all
done

report | tee ${OUT:+"$OUT"}
[[ ! -s "$WORK/failed" ]]
