#!/usr/bin/env bash
# Ingestion benchmark: wrk sends realistic, varied tracking-script requests (bench/ingest/payloads.lua)
# over CONTACTS visitors to POST /collect/<token>, and, in the same run, to nginx answering 204 on
# loopback as the ceiling. Every Starling answer comes after its events are committed to SQLite
# (synchronous=FULL): the numbers include durability.
#
#   bench/ingest/run.sh [path/to/starling]
# Environment: DURATION (10s), CONNECTIONS (64), WRK_THREADS (2), SERVER_THREADS (2), ROUNDS (3),
#              CONTACTS (100000), BATCH (50 events per batched request).
# Prints: one-event requests/s (Starling and nginx, ratio; target >= 0.5), batched events/s (target
# >= 200,000), p99 latency at 80 % of the one-event maximum (target < 10 ms), Starling's RSS.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/release/starling}")
export BENCH_DIR=$(realpath bench/ingest)
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
export WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
ROUNDS=${ROUNDS:-3}
export CONTACTS=${CONTACTS:-100000}
BATCH=${BATCH:-50}

for tool in wrk nginx awk; do
  command -v $tool >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "missing $tool: run scripts/install-deps.sh" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
WORK=$(mktemp -d /tmp/starling-ingest-XXXXXX)
cleanup() {
  [[ -n ${STARLING_PID:-} ]] && kill "$STARLING_PID" 2>/dev/null || true
  [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null || { echo "$port"; return; }
  done
}

# --- nginx: 204 for every request, same worker count, no access log.
NGINX_PORT=$(free_port)
cat >"$WORK/nginx.conf" <<CONF
worker_processes $SERVER_THREADS;
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_buffer_size 1m;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  fastcgi_temp_path $WORK/nginx-fastcgi;
  uwsgi_temp_path $WORK/nginx-uwsgi;
  scgi_temp_path $WORK/nginx-scgi;
  server { listen 127.0.0.1:$NGINX_PORT; location / { return 204; } }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"

# --- Starling with one store.
DATA=$WORK/data
echo "bench-password" | "$BIN" user create --email bench@bench.example --password-stdin --data-dir "$DATA" >/dev/null
ORG=$("$BIN" org create --name Bench --owner bench@bench.example --data-dir "$DATA" | sed -E 's/.*"id":([0-9]+).*/\1/')
export TOKEN=$("$BIN" store create --org "$ORG" --name Bench --url https://shop.example --data-dir "$DATA" |
  sed -E 's/.*"tracking_token":"([^"]+)".*/\1/')
"$BIN" serve --listen 127.0.0.1:0 --data-dir "$DATA" --threads "$SERVER_THREADS" --access-log false \
  --log-level warn >"$WORK/starling.out" 2>"$WORK/starling.err" &
STARLING_PID=$!
for _ in $(seq 200); do grep -q 'listening on' "$WORK/starling.out" 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/^starling listening on //p' "$WORK/starling.out")
[[ -n $URL ]] || { echo "starling did not start:"; cat "$WORK/starling.err"; exit 1; }

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {  # user + system clock ticks of the given processes (all their threads)
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}
nginx_pids() {
  local master; master=$(cat "$WORK/nginx.pid")
  for stat in /proc/[0-9]*/stat; do awk -v m="$master" '$4 == m {print $1}' "$stat" 2>/dev/null || true; done
}
SERVER_PIDS=""
run_wrk() {  # url script [extra env…]; prints "rate p99_ms cpu_us_per_request" (CPU of $SERVER_PIDS)
  local url=$1 script=$2
  shift 2
  local before; before=$(cpu_ticks $SERVER_PIDS)
  env "$@" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$url" >"$WORK/wrk.txt" 2>"$WORK/wrk.err"
  local after; after=$(cpu_ticks $SERVER_PIDS)
  if grep -q 'Non-2xx' "$WORK/wrk.txt"; then
    echo "non-2xx answers from $url:" >&2; cat "$WORK/wrk.txt" "$WORK/wrk.err" >&2; exit 1
  fi
  local rate p99
  rate=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '/ 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$WORK/wrk.txt")
  local cpu; cpu=$(awk -v ticks=$((after - before)) -v hz="$CLK_TCK" '/requests in/ {printf "%.1f", ticks / hz * 1e6 / $1}' "$WORK/wrk.txt")
  echo "$rate $p99 $cpu"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; server threads/workers: $SERVER_THREADS; contacts: $CONTACTS"
# Warm-up: every visitor exists before the measured runs (Segment batches of 500 identify calls; the
# visitors' tracker ids are the anonymousIds).
start=$(date +%s.%N)
AUTH=$(printf '%s:' "$TOKEN" | base64 -w0)
for ((first = 0; first < CONTACTS; first += 500)); do
  awk -v first="$first" -v last="$((first + 500 < CONTACTS ? first + 500 : CONTACTS))" 'BEGIN {
    printf "{\"batch\":["
    for (c = first; c < last; c++) {
      if (c > first) printf ","
      printf "{\"type\":\"identify\",\"anonymousId\":\"bench-visitor-%08d\",\"traits\":{\"segment\":\"%s\"}}", c, (c % 3 ? "b" : "a")
    }
    printf "]}"
  }' >"$WORK/warmup.json"
  curl -sf -o /dev/null -H "Authorization: Basic $AUTH" -H 'Content-Type: application/json' \
    --data-binary @"$WORK/warmup.json" "$URL/v1/batch" || { echo "warm-up failed at visitor $first" >&2; exit 1; }
done
echo "warm-up: $CONTACTS visitors created in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')s"

: >"$WORK/nginx"; : >"$WORK/one"; : >"$WORK/batch"; : >"$WORK/one_p99"; : >"$WORK/batch_p99"
: >"$WORK/one_cpu"; : >"$WORK/batch_cpu"; : >"$WORK/nginx_cpu"
for round in $(seq "$ROUNDS"); do
  SERVER_PIDS=$(nginx_pids)
  read -r n np99 ncpu < <(run_wrk "http://127.0.0.1:$NGINX_PORT/collect/$TOKEN" bench/ingest/ingest.lua EVENTS=1)
  SERVER_PIDS=$STARLING_PID
  read -r s sp99 scpu < <(run_wrk "$URL/collect/$TOKEN" bench/ingest/ingest.lua EVENTS=1)
  read -r b bp99 bcpu < <(run_wrk "$URL/collect/$TOKEN" bench/ingest/ingest.lua EVENTS="$BATCH")
  echo "$n" >>"$WORK/nginx"; echo "$s" >>"$WORK/one"; echo "$b" >>"$WORK/batch"
  echo "$sp99" >>"$WORK/one_p99"; echo "$bp99" >>"$WORK/batch_p99"
  echo "$scpu" >>"$WORK/one_cpu"; echo "$bcpu" >>"$WORK/batch_cpu"; echo "$ncpu" >>"$WORK/nginx_cpu"
  printf 'round %d: nginx %8.0f req/s (%s us CPU/req) | starling 1 event %8.0f req/s (p99 %s ms, %s us CPU/req) | %d events %7.0f req/s = %9.0f events/s (p99 %s ms, %s us CPU/req)\n' \
    "$round" "$n" "$ncpu" "$s" "$sp99" "$scpu" "$BATCH" "$b" "$(awk "BEGIN {print $b * $BATCH}")" "$bp99" "$bcpu"
done
N=$(median <"$WORK/nginx"); S=$(median <"$WORK/one"); B=$(median <"$WORK/batch")
NC=$(median <"$WORK/nginx_cpu"); SC=$(median <"$WORK/one_cpu"); BC=$(median <"$WORK/batch_cpu")

# Latency at 80 % of the one-event maximum: each connection paces its requests (wrk's delay()).
TARGET=$(awk "BEGIN {printf \"%d\", $S * 0.8}")
read -r paced pp99 pcpu < <(run_wrk "$URL/collect/$TOKEN" bench/ingest/ingest.lua EVENTS=1 RATE="$TARGET" CONNECTIONS="$CONNECTIONS")
RSS=$(awk '/VmRSS/ {print $2" "$3}' /proc/$STARLING_PID/status)
STORED=$(curl -s "$URL/metrics" | awk '/^starling_events_stored_total/ {print $2}')
echo
awk -v nc="$NC" -v sc="$SC" -v bc="$BC" -v n="$N" -v s="$S" -v b="$B" -v batch="$BATCH" -v target="$TARGET" -v paced="$paced" -v pp99="$pp99" -v rss="$RSS" -v stored="$STORED" 'BEGIN {
  printf "median one-event: starling %.0f req/s, nginx %.0f req/s, ratio %.2f (target >= 0.50)\n", s, n, s / n
  printf "median batched (%d events/request): %.0f events/s (target >= 200,000)\n", batch, b * batch
  printf "median server CPU: nginx %.1f us/request; starling %.1f us per one-event request, %.1f us per event when batched\n", nc, sc, bc / batch
  printf "at 80%% of the one-event maximum (asked %d req/s, got %.0f req/s): p99 %s ms (target < 10 ms)\n", target, paced, pp99
  printf "starling RSS %s; events stored during the run: %s\n", rss, stored
}'
