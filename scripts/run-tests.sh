#!/usr/bin/env bash
# Runs every kind of test and prints one summary:
#   1. unit tests (GoogleTest, ctest label `unit`)
#   2. integration tests (the real binary on a temp dir, ctest label `integration`)
#   3. end-to-end tests (Playwright driving Debian's Chromium against the real binary)
#   4. sdk tests (Playwright: the tracking script and the demo shop in Chromium, the server played by the tests)
# Exits non-zero when any kind fails. The last line reads "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
BIN=$(realpath "$BUILD/starling")
LOGS=$BUILD/test-logs
mkdir -p "$LOGS"

declare -A passed failed
total_passed=0
total_failed=0
status=0

run_ctest() {
  local label=$1
  echo "== $label tests"
  (cd "$BUILD" && ctest -L "$label" --output-on-failure -j2 --timeout 300) | tee "$LOGS/$label.log"
  local rc=${PIPESTATUS[0]}
  local total fail
  total=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2/p' "$LOGS/$label.log" | tail -1)
  fail=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\1/p' "$LOGS/$label.log" | tail -1)
  total=${total:-0}; fail=${fail:-0}
  if [[ $rc != 0 && $fail == 0 ]]; then fail=1; fi
  passed[$label]=$((total - fail)); failed[$label]=$fail
  [[ $rc == 0 ]] || status=1
}

run_ctest unit
run_ctest integration

# Playwright in folder $1 (with env $3…), counted as kind $2.
run_playwright() {
  local dir=$1 kind=$2
  shift 2
  (cd "$dir" && env "$@" npx playwright test) 2>&1 | tee "$LOGS/$kind.log"
  local rc=${PIPESTATUS[0]}
  local pass fail
  pass=$(sed -nE 's/^ *([0-9]+) passed.*/\1/p' "$LOGS/$kind.log" | tail -1)
  fail=$(sed -nE 's/^ *([0-9]+) failed.*/\1/p' "$LOGS/$kind.log" | tail -1)
  passed[$kind]=${pass:-0}; failed[$kind]=${fail:-0}
  if [[ $rc != 0 && ${failed[$kind]} == 0 ]]; then failed[$kind]=1; fi
  [[ $rc == 0 ]] || status=1
}

echo "== end-to-end tests (Playwright + Chromium)"
run_playwright web e2e STARLING_BIN="$BIN"

echo "== sdk tests (the tracking script and the demo shop, Playwright + Chromium)"
run_playwright sdk sdk STARLING_BIN="$BIN"

echo
echo "== summary"
for kind in unit integration e2e sdk; do
  printf '%-12s %4d passed, %d failed\n' "$kind" "${passed[$kind]}" "${failed[$kind]}"
  total_passed=$((total_passed + passed[$kind])); total_failed=$((total_failed + failed[$kind]))
done
echo "screenshots: web/test-results/, sdk/test-results/demo/"
echo "${total_passed} passed, ${total_failed} failed"
exit $status
