#!/usr/bin/env bash
# Runs Playwright inside a loopback-only network namespace: the relay, the web server and Chromium
# all live in it, so no packet can leave the machine and ports 5173/9090 are always free.
# Arguments are passed to `playwright test`, e.g.: bash e2e/run-isolated.sh e2e/smoke.spec.ts
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v unshare >/dev/null 2>&1; then
  echo "run-isolated.sh: 'unshare' not found. Install util-linux (apt-get install -y util-linux)." >&2
  exit 1
fi
if ! command -v ip >/dev/null 2>&1; then
  echo "run-isolated.sh: 'ip' not found. Install iproute2 (apt-get install -y iproute2)." >&2
  exit 1
fi

# Root can make a network namespace directly; anyone else needs a user namespace mapped to root.
unshare_flags=(-n)
if [ "$(id -u)" -ne 0 ]; then
  unshare_flags=(-r -n)
fi

if ! unshare "${unshare_flags[@]}" true 2>/dev/null; then
  echo "run-isolated.sh: cannot create a network namespace ('unshare ${unshare_flags[*]}' failed)." >&2
  echo "Run as root (or enable unprivileged user namespaces); the e2e tests must run isolated." >&2
  exit 1
fi

# shellcheck disable=SC2016 # $@ is expanded by the inner shell
exec unshare "${unshare_flags[@]}" sh -c '
  set -e
  ip link set lo up
  exec npx playwright test "$@"
' run-isolated "$@"
