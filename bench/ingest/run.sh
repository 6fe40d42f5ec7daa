#!/usr/bin/env bash
# Ingestion benchmark: wrk sends realistic, varied tracking-script requests (bench/ingest/payloads.lua)
# over CONTACTS visitors to POST /collect/<token>, and, in the same run, to nginx answering 204 on
# loopback as the ceiling. Every Starling answer comes after its events are committed to SQLite
# (synchronous=FULL): the numbers include durability.
#
#   bench/ingest/run.sh [path/to/starling]
# Environment: DURATION (10s), CONNECTIONS (64), WRK_THREADS (2), SERVER_THREADS (2), ROUNDS (3),
#              CONTACTS (100000), BATCH (50 events per batched request).
# Prints first the disk's latency under a durable write in the data directory (starling-fsync-probe,
# bench/disk/fsync_probe.cc: every one-event answer waits for a WAL sync shared by its group commit),
# then: one-event requests/s (Starling and nginx, ratio; target >= 0.5), batched events/s (target
# >= 200,000), p99 latency at 80 % of the one-event maximum (target < 10 ms), Starling's RSS; and, to
# explain them, each server's CPU per request (Starling's also split between its I/O threads, group
# committer and WAL checkpointer), the machine's idle share during each run and Starling's requests per
# group commit. Starling's settings can be changed through its environment variables
# (for example STARLING_COMMIT_WINDOW=0; docs/configuration.md).
# The latency run is open-loop (starling-loadgen, built beside the starling binary: requests leave at a
# fixed rate whatever the server does, and a request's latency counts from its scheduled time).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/release/starling}")
LOADGEN=$(dirname "$BIN")/bench/starling-loadgen
FSYNC_PROBE=$(dirname "$BIN")/bench/starling-fsync-probe
for tool in "$LOADGEN" "$FSYNC_PROBE"; do
  [[ -x $tool ]] || { echo "missing $tool: build the project first (make build)" >&2; exit 1; }
done
export BENCH_DIR=$(realpath bench/ingest)
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
export WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
ROUNDS=${ROUNDS:-3}
export CONTACTS=${CONTACTS:-100000}
BATCH=${BATCH:-50}

source bench/lib.sh
start_nginx false

# --- Starling with one store.
source bench/ingest/setup.sh
DATA=$WORK/data
setup_store "$DATA"
start_starling "$DATA" --access-log false --log-level warn
URL=$STARLING_URL

SERVER_PIDS=""
idle_ticks() { awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
commit_stats() {  # "commits items" so far, from Starling's /metrics
  curl -s "$URL/metrics" | awk '/^starling_db_commits_total/ {c=$2} /^starling_db_batch_items_sum/ {i=$2} END {print c+0, i+0}'
}
# url script [extra env…]; prints "rate p99_ms cpu_us_per_request idle_percent items_per_commit threads"
# (CPU of $SERVER_PIDS; idle: the whole machine's; items per commit: Starling's group commits; threads:
# Starling's CPU per request as "I/O threads/committer/checkpointer" µs; both "-" for nginx)
run_wrk() {
  local url=$1 script=$2
  shift 2
  local before; before=$(cpu_ticks $SERVER_PIDS)
  local idle0 total0 idle1 total1 c0=0 i0=0 c1=0 i1=0 starling=false
  [[ $url == "$URL"* ]] && starling=true
  read -r idle0 total0 < <(idle_ticks)
  local io0=0 cm0=0 ck0=0 io1=0 cm1=0 ck1=0
  $starling && read -r c0 i0 < <(commit_stats)
  $starling && read -r io0 cm0 ck0 < <(thread_ticks)
  env "$@" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$url" >"$WORK/wrk.txt" 2>"$WORK/wrk.err"
  local after; after=$(cpu_ticks $SERVER_PIDS)
  read -r idle1 total1 < <(idle_ticks)
  $starling && read -r c1 i1 < <(commit_stats)
  $starling && read -r io1 cm1 ck1 < <(thread_ticks)
  if grep -q 'Non-2xx' "$WORK/wrk.txt"; then
    echo "non-2xx answers from $url:" >&2; cat "$WORK/wrk.txt" "$WORK/wrk.err" >&2; exit 1
  fi
  local rate p99
  rate=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '/ 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$WORK/wrk.txt")
  local cpu; cpu=$(awk -v ticks=$((after - before)) -v hz="$CLK_TCK" '/requests in/ {printf "%.1f", ticks / hz * 1e6 / $1}' "$WORK/wrk.txt")
  local idle; idle=$(awk -v i=$((idle1 - idle0)) -v t=$((total1 - total0)) 'BEGIN {printf "%.0f", (t > 0 ? 100 * i / t : 0)}')
  local per_commit=-
  local threads=-
  if $starling; then
    per_commit=$(awk -v c=$((c1 - c0)) -v i=$((i1 - i0)) 'BEGIN {printf "%.1f", (c > 0 ? i / c : 0)}')
    threads=$(awk -v io=$((io1 - io0)) -v cm=$((cm1 - cm0)) -v ck=$((ck1 - ck0)) -v hz="$CLK_TCK" \
      '/requests in/ {f = 1e6 / hz / $1; printf "%.1f/%.1f/%.1f", io * f, cm * f, ck * f}' "$WORK/wrk.txt")
  fi
  echo "$rate $p99 $cpu $idle $per_commit $threads"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; server threads/workers: $SERVER_THREADS; contacts: $CONTACTS"
echo "disk under the data directory (starling-fsync-probe, idle machine):"
"$FSYNC_PROBE" --dir "$DATA" --count 500 | sed 's/^/  /'
warm_up "$URL"

: >"$WORK/nginx"; : >"$WORK/one"; : >"$WORK/batch"; : >"$WORK/one_p99"; : >"$WORK/batch_p99"
: >"$WORK/one_cpu"; : >"$WORK/batch_cpu"; : >"$WORK/nginx_cpu"
: >"$WORK/one_idle"; : >"$WORK/nginx_idle"; : >"$WORK/one_per_commit"; : >"$WORK/one_threads"
for round in $(seq "$ROUNDS"); do
  SERVER_PIDS=$(nginx_pids | tr "\n" " ")
  read -r n np99 ncpu nidle _ < <(run_wrk "http://127.0.0.1:$NGINX_PORT/collect/$TOKEN" bench/ingest/ingest.lua EVENTS=1)
  SERVER_PIDS=$STARLING_PID
  read -r s sp99 scpu sidle sper sthreads < <(run_wrk "$URL/collect/$TOKEN" bench/ingest/ingest.lua EVENTS=1)
  read -r b bp99 bcpu bidle bper bthreads < <(run_wrk "$URL/collect/$TOKEN" bench/ingest/ingest.lua EVENTS="$BATCH")
  echo "$n" >>"$WORK/nginx"; echo "$s" >>"$WORK/one"; echo "$b" >>"$WORK/batch"
  echo "$sp99" >>"$WORK/one_p99"; echo "$bp99" >>"$WORK/batch_p99"
  echo "$scpu $sthreads" >>"$WORK/one_threads"
  echo "$sidle" >>"$WORK/one_idle"; echo "$nidle" >>"$WORK/nginx_idle"; echo "$sper" >>"$WORK/one_per_commit"
  echo "$scpu" >>"$WORK/one_cpu"; echo "$bcpu" >>"$WORK/batch_cpu"; echo "$ncpu" >>"$WORK/nginx_cpu"
  printf 'round %d: nginx %8.0f req/s (%s us CPU/req, idle %s%%) | starling 1 event %8.0f req/s (p99 %s ms, %s us CPU/req = %s, idle %s%%, %s req/commit) | %d events %7.0f req/s = %9.0f events/s (p99 %s ms, %s us CPU/req = %s, idle %s%%, %s req/commit)\n' \
    "$round" "$n" "$ncpu" "$nidle" "$s" "$sp99" "$scpu" "$sthreads" "$sidle" "$sper" "$BATCH" "$b" "$(awk "BEGIN {print $b * $BATCH}")" "$bp99" "$bcpu" "$bthreads" "$bidle" "$bper"
done
N=$(median <"$WORK/nginx"); S=$(median <"$WORK/one"); B=$(median <"$WORK/batch")
NI=$(median <"$WORK/nginx_idle"); SI=$(median <"$WORK/one_idle"); SPC=$(median <"$WORK/one_per_commit")
NC=$(median <"$WORK/nginx_cpu"); SC=$(median <"$WORK/one_cpu"); BC=$(median <"$WORK/batch_cpu")

# Latency at 80 % of the one-event maximum, open-loop, with the same kind of bodies (written by wrk
# from payloads.lua); nginx at the same rate for reference.
TARGET=$(awk "BEGIN {printf \"%d\", $S * 0.8}")
SECONDS_RUN=${DURATION%s}
env BODIES_FILE="$WORK/bodies.txt" BODIES=50000 EVENTS=1 wrk -t1 -c1 -d1s -s bench/ingest/dump.lua \
  "http://127.0.0.1:$NGINX_PORT/" >/dev/null
loadgen() {  # port path → the loadgen's line
  "$LOADGEN" --port "$1" --path "$2" --bodies "$WORK/bodies.txt" --rate "$TARGET" --duration "$SECONDS_RUN" \
    --connections "$CONNECTIONS"
}
NGINX_OPEN=$(loadgen "$NGINX_PORT" "/collect/$TOKEN")
OPEN=$(loadgen "${URL##*:}" "/collect/$TOKEN")
paced=$(awk '{print $2}' <<<"$OPEN"); pp99=$(awk '{print $12}' <<<"$OPEN")
RSS=$(awk '/VmRSS/ {print $2" "$3}' /proc/$STARLING_PID/status)
STORED=$(curl -s "$URL/metrics" | awk '/^starling_events_stored_total/ {print $2}')
echo
awk -v nc="$NC" -v sc="$SC" -v bc="$BC" -v n="$N" -v s="$S" -v b="$B" -v batch="$BATCH" -v target="$TARGET" -v paced="$paced" -v pp99="$pp99" -v rss="$RSS" -v stored="$STORED" -v ni="$NI" -v si="$SI" -v spc="$SPC" 'BEGIN {
  printf "median one-event: starling %.0f req/s, nginx %.0f req/s, ratio %.2f (target >= 0.50)\n", s, n, s / n
  printf "median batched (%d events/request): %.0f events/s (target >= 200,000)\n", batch, b * batch
  printf "median server CPU: nginx %.1f us/request; starling %.1f us per one-event request, %.1f us per event when batched\n", nc, sc, bc / batch
  printf "median machine idle during the one-event runs: nginx %s%%, starling %s%% (%s requests per group commit)\n", ni, si, spc
  printf "at 80%% of the one-event maximum, open-loop (asked %d req/s, got %.0f req/s): p99 %s ms (target < 10 ms)\n", target, paced, pp99
  printf "starling RSS %s; events stored during the run: %s\n", rss, stored
}'
# The split of the median one-event run's CPU.
SPLIT=$(sort -n "$WORK/one_threads" | awk '{line[NR] = $2} END {print line[int((NR + 1) / 2)]}')
echo "starling CPU per one-event request by thread (median run), I/O threads/committer/checkpointer: $SPLIT us"
echo "  starling-loadgen against starling: $OPEN"
echo "  starling-loadgen against nginx:    $NGINX_OPEN"
