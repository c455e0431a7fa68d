#!/usr/bin/env bash
# Every test of ansible/ and the packages, in CI after the Maven suite (.ci/run), or alone:
#   lint (syntax-check, ansible-lint), the package cycle, the converge. Root only (namespaces).
# Each step prints its time; the first failure stops the run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
total=$SECONDS
for t in lint.sh package-cycle.sh converge.sh; do
  start=$SECONDS
  echo
  echo "######## ansible/tests/$t"
  "$here/$t"
  echo "######## ansible/tests/$t: passed in $((SECONDS - start)) s"
done
echo
echo "ansible/tests: lint, package cycle and converge all passed in $((SECONDS - total)) s"
