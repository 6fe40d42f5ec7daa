#!/usr/bin/env bash
# What a durable server can reach on this machine, next to Starling: the one-event load of run.sh
# (wrk, payloads.lua, -t2 -c64) against nginx answering 204 (the ceiling of run.sh), against
# starling-durable-floor (bench/disk/durable_floor.cc: HTTP framing only, each request's body made
# durable before the answer, one sync per group of requests) in three forms, and against Starling:
#   floor-log       the bodies appended to a file, one fdatasync per group (the cheapest durable answer);
#   floor-sqlite    each body inserted as a row of one SQLite table (WAL, synchronous=FULL, one commit
#                   per group): an append-only database;
#   floor-sqlite-random  the same, plus one row among CONTACTS rewritten per request (a contact's or a
#                   cart's row: a random page of the database written at every commit).
# If the floor's ratio is far above Starling's, the machine is not what holds Starling's rate.
#
#   bench/ingest/floor.sh [path/to/starling]
# Environment: DURATION (5s), ROUNDS (3), CONNECTIONS (64), SERVER_THREADS (2), CONTACTS (100000).
# Prints each round's rate, CPU per request and machine idle share for every server, then the medians
# and their ratios to nginx.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/release/starling}")
FLOOR=$(dirname "$BIN")/bench/starling-durable-floor
[[ -x $FLOOR ]] || { echo "missing $FLOOR: build the project first (make build)" >&2; exit 1; }
export BENCH_DIR=$(realpath bench/ingest)
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_THREADS=${SERVER_THREADS:-2}
export WRK_THREADS=2
export CONTACTS=${CONTACTS:-100000}

source bench/lib.sh
source bench/ingest/setup.sh
start_nginx false
setup_store "$WORK/data"
start_starling "$WORK/data" --access-log false --log-level warn
warm_up "$STARLING_URL"

idle_ticks() { awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
# label url pid…: one wrk run; appends "label rate cpu_us idle%" to $WORK/results and prints it.
measure() {
  local label=$1 url=$2
  shift 2
  local before after idle0 total0 idle1 total1
  before=$(cpu_ticks "$@")
  read -r idle0 total0 < <(idle_ticks)
  EVENTS=1 wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/ingest/ingest.lua "$url" >"$WORK/wrk.txt" 2>"$WORK/wrk.err"
  read -r idle1 total1 < <(idle_ticks)
  after=$(cpu_ticks "$@")
  if grep -q 'Non-2xx' "$WORK/wrk.txt"; then
    echo "$label answered errors:" >&2; cat "$WORK/wrk.txt" "$WORK/wrk.err" >&2; exit 1
  fi
  awk -v l="$label" -v t=$((after - before)) -v hz="$CLK_TCK" -v i=$((idle1 - idle0)) -v tt=$((total1 - total0)) \
    '/requests in/ {n = $1} /^Requests\/sec/ {r = $2} END {printf "%s %.0f %.1f %.0f\n", l, r, t / hz * 1e6 / n, 100 * i / tt}' \
    "$WORK/wrk.txt" | tee -a "$WORK/results" | awk '{printf "  %-20s %8d req/s, %5.1f us CPU/request, idle %s%%\n", $1, $2, $3, $4}'
}
floor() {  # label, then the floor's flags
  local label=$1 port pid
  shift
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    "$FLOOR" --port "$port" --threads "$SERVER_THREADS" --log "$WORK/floor.db" "$@" >"$WORK/floor.out" 2>"$WORK/floor.err" &
    pid=$!
    for _ in $(seq 400); do grep -q listening "$WORK/floor.out" 2>/dev/null && break; kill -0 $pid 2>/dev/null || break; sleep 0.05; done
    grep -q listening "$WORK/floor.out" && break
    wait $pid 2>/dev/null || true
  done
  grep -q listening "$WORK/floor.out" || { echo "starling-durable-floor did not start:" >&2; cat "$WORK/floor.err" >&2; exit 1; }
  measure "$label" "http://127.0.0.1:$port/collect/$TOKEN" $pid
  kill $pid
  wait $pid 2>/dev/null || true
}

echo "machine: $(nproc) cores; wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION, one event per request; server threads: $SERVER_THREADS"
: >"$WORK/results"
NGINX_PIDS=$(nginx_pids | tr '\n' ' ')
for round in $(seq "$ROUNDS"); do
  echo "round $round:"
  # shellcheck disable=SC2086 # a list of pids
  measure nginx "http://127.0.0.1:$NGINX_PORT/collect/$TOKEN" $NGINX_PIDS
  floor floor-log --store log
  floor floor-sqlite --store sqlite
  floor floor-sqlite-random --store sqlite --random-rows "$CONTACTS"
  measure starling "$STARLING_URL/collect/$TOKEN" "$STARLING_PID"
done
echo "medians (ratio to nginx's median):"
awk '{rate[$1] = rate[$1] " " $2; cpu[$1] = cpu[$1] " " $3; idle[$1] = idle[$1] " " $4; if (!($1 in seen)) {seen[$1] = 1; order[++n] = $1}}
  function median(list,   a, k, i, j, t) {
    k = split(list, a, " ")
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) {t = a[i]; a[i] = a[j]; a[j] = t}
    return a[int((k + 1) / 2)]
  }
  END {
    base = median(rate["nginx"])
    for (i = 1; i <= n; i++) {
      l = order[i]
      printf "  %-20s %8d req/s  %.2f x nginx  %5.1f us CPU/request  idle %s%%\n", l, median(rate[l]), median(rate[l]) / base, median(cpu[l]), median(idle[l])
    }
  }' "$WORK/results"
