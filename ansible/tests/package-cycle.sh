#!/usr/bin/env bash
# The package cycle: zcc-keyserver and zcc-agent installed with dpkg on one namespace host
# (lib/hosts.sh), as on a host where systemd runs (/run/systemd/system exists, so the maintainer
# scripts start, restart and stop the units through systemctl, here the test's stand-in):
#   install  -> units verified (systemd-analyze verify), enabled and started by postinst, running
#               as their users; the agent is enrolled and approved, a service added
#   upgrade  -> to a newer version (the same packages repacked with a higher version): the units
#               are restarted on the new files; configuration, identity and Derby store unchanged
#   remove   -> units stopped, the agent's rules removed; configuration, identity, Derby
#               password and store kept
#   install  -> the kept configuration and identity are used again: the same key id, the same
#               hosts in the key server
#   purge    -> configuration, identity, Derby store and state directories gone
# Root only; everything it makes goes on exit. Usage: ansible/tests/package-cycle.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "package-cycle: needs root" >&2; exit 1; }
source "$here/lib/common.sh"
need_tools
agent_deb=$(find_deb zcc-agent) keyserver_deb=$(find_deb zcc-keyserver)

HOSTS_WORK=$(mktemp -d /tmp/zcc-pkg.XXXXXX)
source "$here/lib/hosts.sh"
cleanup() {
  local rc=$?
  if [[ -x $HOSTS_WORK/h/root/usr/bin/systemctl ]]; then
    hosts_run h systemctl stop zcc-agent zcc-keyserver >/dev/null 2>&1 || true
    if ((rc != 0)); then
      for f in "$HOSTS_WORK/h/root/var/log/fake-systemd/"*.log; do
        [[ -f $f ]] && { echo "--- ${f##*/} (last lines)"; tail -n 25 "$f"; }
      done
    fi
  fi
  hosts_cleanup
  remove_work "$HOSTS_WORK"
  exit "$rc"
}
trap cleanup EXIT

in_h() { hosts_run h "$@"; }
KS=https://198.18.0.10:8443  # the key server on an address of its own: a host may not enroll with it
admin() { in_h zcc-keyserver admin --credentials /etc/zcc/keyserver/admin --server "$KS" "$@"; }
sums() {  # what must survive: configuration, identity, Derby password, fleet CA
  in_h sh -c 'cd / && sha256sum etc/default/zcc-agent etc/zcc/services.xml etc/zcc/identity/* \
    etc/default/zcc-keyserver etc/zcc/keyserver/db-password var/lib/zcc-keyserver/ca/* 2>&1 | sort -k2'
}
main_pid() { cat "$HOSTS_WORK/h/root/run/fake-systemd/$1.service.pid" 2>/dev/null || echo none; }

# repack DEB VERSION OUT: the same package under another version (what an upgrade installs)
repack() {
  local d=$HOSTS_WORK/repack
  rm -rf "$d"
  dpkg-deb -R "$1" "$d"
  sed -i "s/^Version: .*/Version: $2/" "$d/DEBIAN/control"
  dpkg-deb --root-owner-group -Zgzip -b "$d" "$3" >/dev/null
}

say "a namespace host with its own root, systemd-style (/run/systemd/system), two debs"
hosts_switch "zpksw$$"
hosts_add h "zpkh$$" "zpksw$$" 198.18.0.1 2001:2::1 1
ip -n "zpkh$$" addr add 198.18.0.10/24 dev eth0
mkdir -p "$HOSTS_WORK/h/root/run/systemd/system" "$HOSTS_WORK/h/root/tmp/debs"
cp "$agent_deb" "$HOSTS_WORK/h/root/tmp/debs/agent-1.deb"
cp "$keyserver_deb" "$HOSTS_WORK/h/root/tmp/debs/keyserver-1.deb"
v1=$(dpkg-deb -f "$agent_deb" Version) kv1=$(dpkg-deb -f "$keyserver_deb" Version)
repack "$agent_deb" "$v1+1" "$HOSTS_WORK/h/root/tmp/debs/agent-2.deb"
repack "$keyserver_deb" "$kv1+1" "$HOSTS_WORK/h/root/tmp/debs/keyserver-2.deb"
echo "versions: zcc-agent $v1 -> $v1+1, zcc-keyserver $kv1 -> $kv1+1"

say "1. install"
in_h dpkg -i /tmp/debs/keyserver-1.deb /tmp/debs/agent-1.deb >/dev/null
for u in zcc-keyserver zcc-agent; do
  echo "$u: $(in_h dpkg-query -W -f '${Version} ${Status}' "$u"), $(in_h systemctl is-enabled "$u"), $(in_h systemctl is-active "$u")," \
    "systemd-analyze verify: $(in_h systemd-analyze verify "$u.service" 2>&1 | tr '\n' ' ')ok"
  [[ $(in_h systemctl is-active "$u") == active ]] || die "$u is not running after install"
done
echo "users: $(in_h getent passwd zcc zcc-keyserver | cut -d: -f1,3,6,7 | tr '\n' ' ')"
echo "modes: $(in_h stat -c '%n %U:%G %a' /var/lib/zcc-keyserver /etc/zcc/keyserver /etc/zcc/keyserver/db-password /etc/zcc | tr '\n' ';')"
[[ $(in_h stat -c '%U %a' /var/lib/zcc-keyserver) == "zcc-keyserver 700" ]] || die "key server home owner/mode"
[[ $(in_h stat -c '%U %a' /etc/zcc/keyserver/db-password) == "zcc-keyserver 600" ]] || die "Derby password owner/mode"
# the key server on its own address of the host, an admin, the agent enrolled and approved, a service
in_h sed -i 's/^ZCC_KEYSERVER_BIND=.*/ZCC_KEYSERVER_BIND="198.18.0.10"/' /etc/default/zcc-keyserver
in_h systemctl restart zcc-keyserver
in_h zcc-keyserver admin-init --home /var/lib/zcc-keyserver --out /etc/zcc/keyserver/admin >/dev/null
for _ in $(seq 20); do admin hosts >/dev/null 2>&1 && break; sleep 0.5; done
token=$(admin token | sed -n 's/^token *//p')
rc=0
in_h install -m 0644 /etc/zcc/keyserver/admin/ca.crt /etc/zcc/fleet-ca.crt  # public; zcc enroll runs as zcc
echo "$token" | in_h zcc enroll --server "$KS" --token - --ca-cert /etc/zcc/fleet-ca.crt --address 198.18.0.1 >/dev/null || rc=$?
[[ $rc == 5 ]] || die "zcc enroll exited $rc"
key_id=$(in_h cat /etc/zcc/identity/key-id)
admin approve "$key_id" >/dev/null
in_h zcc enroll --finish >/dev/null
in_h zcc service add --name web --host 198.18.0.9 --port 8080 --type server >/dev/null || true
in_h systemctl restart zcc-agent
echo "enrolled as $key_id; identity $(in_h stat -c '%U %a' /etc/zcc/identity); rules: $(in_h nft list tables | tr '\n' ' ')"
before=$(sums) hosts_before=$(admin hosts)
agent_pid=$(main_pid zcc-agent) ks_pid=$(main_pid zcc-keyserver)

say "2. upgrade"
in_h dpkg -i /tmp/debs/keyserver-2.deb /tmp/debs/agent-2.deb >/dev/null
for u in zcc-keyserver zcc-agent; do echo "$u: $(in_h dpkg-query -W -f '${Version}' "$u"), $(in_h systemctl is-active "$u")"; done
[[ $(main_pid zcc-agent) != "$agent_pid" && $(main_pid zcc-keyserver) != "$ks_pid" ]] ||
  die "the units were not restarted on the new files"
echo "restarted: zcc-agent pid $agent_pid -> $(main_pid zcc-agent), zcc-keyserver pid $ks_pid -> $(main_pid zcc-keyserver)"
[[ $(sums) == "$before" ]] || { diff <(echo "$before") <(sums); die "the upgrade changed configuration or keys"; }
for _ in $(seq 20); do admin hosts >/dev/null 2>&1 && break; sleep 0.5; done
[[ $(admin hosts) == "$hosts_before" ]] || die "the key server lost hosts in the upgrade"
grep -q "as host $key_id" "$HOSTS_WORK/h/root/var/log/fake-systemd/zcc-agent.service.log" || die "agent identity"
echo "configuration, identity, Derby password, fleet CA and the hosts in Derby: unchanged"

say "3. remove"
in_h dpkg -r zcc-agent zcc-keyserver >/dev/null
for u in zcc-keyserver zcc-agent; do echo "$u: $(in_h dpkg-query -W -f '${Status}' "$u"), $(in_h systemctl is-active "$u" || true)"; done
[[ $(main_pid zcc-agent) == none && $(main_pid zcc-keyserver) == none ]] || die "a unit still runs after remove"
in_h nft list table inet zcc >/dev/null 2>&1 && die "the agent's rules outlived the package"
[[ $(sums) == "$before" ]] || { diff <(echo "$before") <(sums); die "remove lost configuration or keys"; }
in_h test -d /var/lib/zcc-keyserver/keystore || die "remove lost the Derby store"
echo "stopped, rules removed (no table inet zcc); configuration, identity and Derby store kept"

say "4. install again"
in_h dpkg -i /tmp/debs/keyserver-2.deb /tmp/debs/agent-2.deb >/dev/null
for _ in $(seq 20); do admin hosts >/dev/null 2>&1 && break; sleep 0.5; done
[[ $(admin hosts) == "$hosts_before" ]] || die "the reinstalled key server serves other hosts"
for _ in $(seq 50); do grep -c "as host $key_id" "$HOSTS_WORK/h/root/var/log/fake-systemd/zcc-agent.service.log" | grep -q '^[3-9]' && break; sleep 0.1; done
echo "zcc-agent: $(in_h systemctl is-active zcc-agent), keys as host $key_id again; key server: the same hosts"
[[ $(sums) == "$before" ]] || die "reinstall changed configuration or keys"

say "5. purge"
in_h dpkg -P zcc-agent zcc-keyserver >/dev/null
left=$(in_h sh -c 'ls -d /etc/zcc /etc/default/zcc-agent /etc/default/zcc-keyserver /var/lib/zcc-keyserver /var/cache/zcc-agent /etc/systemd/system/multi-user.target.wants/zcc-* 2>/dev/null' || true)
[[ -z $left ]] || die "purge left: $left"
echo "purged: /etc/zcc, /etc/default/zcc-*, /var/lib/zcc-keyserver, /var/cache/zcc-agent and the unit links are gone;" \
  "users kept: $(in_h getent passwd zcc zcc-keyserver | cut -d: -f1 | tr '\n' ' ')"

say "package cycle: passed"
