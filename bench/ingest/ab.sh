#!/usr/bin/env bash
# A/B comparison of Starling builds by their CPU per request at a fixed rate. On a shared machine the
# closed-loop rates of run.sh drift by 10-20 % from one minute to the next; CPU per request at a fixed
# rate drifts less, and alternating the builds spreads the drift over all of them.
#
#   bench/ingest/ab.sh BIN_A BIN_B [BIN…]
# Each argument is a binary, optionally followed by `serve` flags in the same word, to compare settings
# of one build:  bench/ingest/ab.sh 'build/release/starling --commit-window 0' build/release/starling
# Environment: RATE (25000 one-event requests/s), SECONDS_RUN (8), ROUNDS (2), CONTACTS (100000),
#              WARM (5: seconds of closed-loop wrk load before each measurement), SERVER_THREADS (2).
# For each round, each binary in turn on a fresh database: the store and visitors of run.sh, WARM seconds
# of one-event wrk load, then starling-loadgen at RATE for SECONDS_RUN seconds (open loop, the bodies of
# payloads.lua). Prints, per binary and round, Starling's CPU per request split between its I/O
# threads, committer and checkpointer, the requests per group commit and the latency percentiles; then
# each binary's median total.
set -euo pipefail
cd "$(dirname "$0")/../.."
(($# >= 2)) || { echo "usage: bench/ingest/ab.sh 'BIN_A [serve flags]' 'BIN_B [serve flags]' [BIN…]" >&2; exit 2; }
BINS=()    # the binaries
FLAGS=()   # their extra `serve` flags
LABELS=()  # how the results name them
for arg in "$@"; do
  read -r b flags <<<"$arg"
  BINS+=("$(realpath "$b")")
  FLAGS+=("$flags")
  LABELS+=("$(realpath "$b")${flags:+ $flags}")
done
LOADGEN=$(realpath "${LOADGEN:-build/release/bench/starling-loadgen}")
[[ -x $LOADGEN ]] || { echo "missing $LOADGEN: build the project first (make build)" >&2; exit 1; }
export BENCH_DIR=$(realpath bench/ingest)
RATE=${RATE:-25000}
SECONDS_RUN=${SECONDS_RUN:-8}
ROUNDS=${ROUNDS:-2}
WARM=${WARM:-5}
SERVER_THREADS=${SERVER_THREADS:-2}
export WRK_THREADS=2
export CONTACTS=${CONTACTS:-100000}
BIN=${BINS[0]}

source bench/lib.sh
source bench/ingest/setup.sh

commit_stats() {  # "commits items" so far
  curl -s "$STARLING_URL/metrics" | awk '/^starling_db_commits_total/ {c=$2} /^starling_db_batch_items_sum/ {i=$2} END {print c+0, i+0}'
}

echo "machine: $(nproc) cores; rate $RATE one-event requests/s for ${SECONDS_RUN}s after ${WARM}s of wrk load; contacts: $CONTACTS"
: >"$WORK/totals"
for round in $(seq "$ROUNDS"); do
  for i in "${!BINS[@]}"; do
    BIN=${BINS[$i]}
    DATA=$WORK/data-$round-$i
    setup_store "$DATA"
    # shellcheck disable=SC2086 # the flags are words
    start_starling "$DATA" --access-log false --log-level warn ${FLAGS[$i]}
    warm_up "$STARLING_URL" >/dev/null
    [[ -s $WORK/bodies.txt ]] || env BODIES_FILE="$WORK/bodies.txt" BODIES=50000 EVENTS=1 \
      wrk -t1 -c1 -d1s -s bench/ingest/dump.lua "$STARLING_URL/nothing" >/dev/null
    EVENTS=1 wrk -t2 -c64 -d"${WARM}s" -s bench/ingest/ingest.lua "$STARLING_URL/collect/$TOKEN" >/dev/null
    read -r c0 n0 < <(commit_stats)
    read -r io0 cm0 ck0 < <(thread_ticks)
    out=$("$LOADGEN" --port "${STARLING_URL##*:}" --path "/collect/$TOKEN" --bodies "$WORK/bodies.txt" \
      --rate "$RATE" --duration "$SECONDS_RUN" --connections 64)
    read -r io1 cm1 ck1 < <(thread_ticks)
    read -r c1 n1 < <(commit_stats)
    kill "$STARLING_PID"
    wait "$STARLING_PID" 2>/dev/null || true
    STARLING_PID=
    awk -v bin="${LABELS[$i]}" -v index_="$i" -v io=$((io1 - io0)) -v cm=$((cm1 - cm0)) -v ck=$((ck1 - ck0)) -v hz="$CLK_TCK" \
      -v c=$((c1 - c0)) -v n=$((n1 - n0)) -v round="$round" -v totals="$WORK/totals" -v out="$out" 'BEGIN {
        split(out, f, " ")  # rate R ok N errors E p50 … max …
        f_us = 1e6 / hz / f[4]
        total = (io + cm + ck) * f_us
        printf "round %d %s: %.1f us CPU/req = %.1f/%.1f/%.1f (I/O threads/committer/checkpointer), %.1f req/commit | %s\n",
          round, bin, total, io * f_us, cm * f_us, ck * f_us, (c > 0 ? n / c : 0), out
        printf "%d %.1f\n", index_, total >> totals
      }'
  done
done
echo
for i in "${!BINS[@]}"; do
  echo "median ${LABELS[$i]}: $(awk -v i="$i" '$1 == i {print $2}' "$WORK/totals" | median) us CPU per request"
done
