# shellcheck shell=bash
# Namespace hosts for the converge and package tests (sourced, bash, root).
#
# A "host" is this machine's own Debian system seen through an overlay: its root directory is an
# overlayfs mount (lower: this machine's /, read-only; upper: a tmpfs of its own), with /proc,
# /dev and /sys, and fresh /run and /tmp. Inside it apt, dpkg, adduser and maintainer scripts work
# as on a real host, and whatever they write stays in that host's upper layer. Its processes run
# in a network namespace of its own (ip netns exec ... chroot ...). No systemd runs here: the
# test's stand-in (lib/fake-systemctl) sits at /usr/bin/systemctl in each host and runs the units'
# commands under their User=, capabilities and file-system protection.
#
# The caller sets $HOSTS_WORK (a directory it owns) and calls hosts_cleanup on exit. Only the
# namespaces, mounts and processes made here are touched.

HOSTS_NETNS=()
HOSTS_MOUNTS=()
HOSTS_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# hosts_switch NAME: a namespace with a bridge the hosts plug into (a test LAN).
hosts_switch() {
  local ns=$1
  ip netns add "$ns"
  HOSTS_NETNS+=("$ns")
  ip -n "$ns" link set lo up
  ip -n "$ns" link add br0 type bridge
  ip -n "$ns" link set br0 up
}

# hosts_add NAME NETNS SWITCH ADDR4 ADDR6 INDEX: the root directory $HOSTS_WORK/NAME/root and the
# network namespace NETNS, with one veth to the switch, ADDR4/24 and ADDR6/64.
hosts_add() {
  local name=$1 ns=$2 sw=$3 a4=$4 a6=$5 i=$6
  local dir=$HOSTS_WORK/$name
  mkdir -p "$dir/layers" "$dir/root"
  mount -t tmpfs -o mode=0755 tmpfs "$dir/layers"
  HOSTS_MOUNTS+=("$dir/layers")
  mkdir -p "$dir/layers/upper" "$dir/layers/work"
  mount -t overlay overlay -o "lowerdir=/,upperdir=$dir/layers/upper,workdir=$dir/layers/work" "$dir/root"
  HOSTS_MOUNTS+=("$dir/root")
  mount -t proc proc "$dir/root/proc"
  HOSTS_MOUNTS+=("$dir/root/proc")
  mount --rbind /dev "$dir/root/dev"
  mount --make-rslave "$dir/root/dev"
  HOSTS_MOUNTS+=("$dir/root/dev")
  mount --rbind /sys "$dir/root/sys"
  mount --make-rslave "$dir/root/sys"
  HOSTS_MOUNTS+=("$dir/root/sys")
  local t
  for t in run tmp; do
    mount -t tmpfs -o mode="$([[ $t == tmp ]] && echo 1777 || echo 0755)" tmpfs "$dir/root/$t"
    HOSTS_MOUNTS+=("$dir/root/$t")
  done
  mkdir -p "$dir/root/run/lock"
  # no systemd here: the stand-in takes systemctl's place in this host only
  install -m 0755 "$HOSTS_LIB/fake-systemctl" "$dir/root/usr/bin/systemctl"
  # this machine forbids starting services from maintainer scripts (policy-rc.d exits 101, as
  # container images do); a test host is an ordinary host
  rm -f "$dir/root/usr/sbin/policy-rc.d"
  echo "$name" >"$dir/root/etc/hostname"
  rm -f "$dir/root/etc/machine-id"
  # the host's network
  ip netns add "$ns"
  HOSTS_NETNS+=("$ns")
  ip -n "$ns" link set lo up
  ip link add "zv$i$$" netns "$ns" type veth peer name "p$i" netns "$sw"
  ip -n "$sw" link set "p$i" master br0 up
  ip -n "$ns" link set "zv$i$$" name eth0
  ip -n "$ns" addr add "$a4/24" dev eth0
  ip -n "$ns" addr add "$a6/64" dev eth0 nodad
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "${a4%.*}.254" dev eth0 onlink
  # ansible's chroot connection runs "EXE ROOT /bin/sh -c CMD": EXE enters the namespace first
  cat >"$dir/chroot-exe" <<EOF
#!/bin/sh
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \\
  ip netns exec $ns chroot "\$@"
EOF
  chmod 0755 "$dir/chroot-exe"
}

# hosts_run NAME CMD...: a command inside the host (its root, its network), as root.
hosts_run() {
  local name=$1
  shift
  "$HOSTS_WORK/$name/chroot-exe" "$HOSTS_WORK/$name/root" "$@"
}

# Every process that lives in one of our namespaces (we started them all).
hosts_pids() {
  local ns
  for ns in "${HOSTS_NETNS[@]}"; do ip netns pids "$ns" 2>/dev/null || true; done
}

hosts_cleanup() {
  local p pids i
  pids=$(hosts_pids)
  if [[ -n $pids ]]; then
    for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
    for _ in $(seq 50); do [[ -z $(hosts_pids) ]] && break; sleep 0.1; done
    for p in $(hosts_pids); do kill -KILL "$p" 2>/dev/null || true; done
    sleep 0.3
  fi
  for ((i = ${#HOSTS_MOUNTS[@]} - 1; i >= 0; i--)); do
    umount -R "${HOSTS_MOUNTS[i]}" 2>/dev/null || umount -R -l "${HOSTS_MOUNTS[i]}" 2>/dev/null || true
  done
  for p in "${HOSTS_NETNS[@]}"; do ip netns del "$p" 2>/dev/null || true; done
  HOSTS_MOUNTS=() HOSTS_NETNS=()
}
