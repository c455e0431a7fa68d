#!/usr/bin/env bash
# Static checks of ansible/: the playbooks' syntax and ansible-lint (Debian's ansible and
# ansible-lint packages, installed when missing). No host is touched.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib/common.sh"
[[ $(id -u) -eq 0 ]] && need_tools
cd "$here/.."
export ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_NOCOLOR=1
for p in site.yml backup.yml; do
  ansible-playbook -i inventory/example --syntax-check "$p"
done
ansible-lint --version | head -1
ansible-lint --nocolor site.yml backup.yml roles
echo "ansible-lint: no findings"
