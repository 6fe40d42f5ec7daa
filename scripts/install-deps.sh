#!/usr/bin/env bash
# Installs everything Starling needs to build, run and test on Debian bookworm.
# Idempotent and non-interactive: packages already present are skipped, and the front-end
# packages are installed with `npm ci` from the committed lockfiles only when they changed.
#
# Boost 1.81 packages conflict with the 1.74 ones: never add a package that pulls libboost-dev.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config make git clang-format
  # C++ libraries (see docs/development.md for what each is used for)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libspdlog-dev libfmt-dev libcli11-dev
  # the IANA time-zone database: store time zones are validated against it
  tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
  libsodium-dev libssl-dev libsimdjson-dev
  # the server's memory allocator
  libjemalloc-dev
  # run time and tests: Node for the web UI build, Chromium for Playwright
  nodejs npm chromium
  # benchmarks: wrk as the load generator, nginx as the baseline
  wrk nginx curl
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  # Node may come from outside Debian (nodesource); accept any working node/npm.
  if [[ $p == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ $p == npm ]] && command -v npm >/dev/null; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) != 0 ]]; then SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  # Debian's nginx package tries to start a system service; we only need the binary.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Front-end packages, from the committed lockfile. Skipped when node_modules matches it.
install_npm() {
  local dir=$1
  [[ -f $dir/package-lock.json ]] || return 0
  local stamp=$dir/node_modules/.starling-lock-hash
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then return 0; fi
  echo "install-deps: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}
install_npm web
install_npm sdk
