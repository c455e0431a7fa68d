# shellcheck shell=bash
# Shared by the tests under ansible/tests (sourced).

say() { printf '\n== %s\n' "$*"; }
die() { echo "FAILED: $*" >&2; exit 1; }

# The tools the tests use, installed with apt-get when missing (root), as ./zcc does.
need_tools() {
  local missing=()
  command -v ansible-playbook >/dev/null || missing+=(ansible)
  command -v ansible-lint >/dev/null || missing+=(ansible-lint)
  command -v nft >/dev/null || missing+=(nftables)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v tcpdump >/dev/null || missing+=(tcpdump)
  command -v curl >/dev/null || missing+=(curl)
  command -v systemd-analyze >/dev/null || missing+=(systemd)
  command -v setpriv >/dev/null || missing+=(util-linux)
  [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import apt' 2>/dev/null || missing+=(python3-apt)
  if ((${#missing[@]})); then
    echo "installing ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# find_deb NAME: the newest NAME_*.deb the build made (packaging/*/target); builds them if none.
find_deb() {
  local top deb
  top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  deb=$(ls -t "$top"/packaging/*/target/"$1"_*_all.deb 2>/dev/null | head -1 || true)
  if [[ -z $deb ]]; then
    echo "no $1 package yet: building the packages (mvn package, tests skipped)" >&2
    (cd "$top" && flock /tmp/zcc-mvn.lock mvn -B -q -ntp package -DskipTests >&2)
    deb=$(ls -t "$top"/packaging/*/target/"$1"_*_all.deb | head -1)
  fi
  echo "$deb"
}

# remove_work DIR: deletes a test's directory once nothing is mounted below it any more.
remove_work() {
  if findmnt -rn -o TARGET | grep -q "^$1/"; then
    echo "not removing $1: something is still mounted below it" >&2
    return 0
  fi
  rm -rf --one-file-system "$1"
}
