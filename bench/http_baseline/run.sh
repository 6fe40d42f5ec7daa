#!/usr/bin/env bash
# HTTP baseline: wrk against Starling's GET /healthz and, in the same run, against nginx returning 204
# on loopback. Prints both rates and the ratio (target: Starling >= 0.8 x nginx).
#
#   bench/http_baseline/run.sh [path/to/starling]
# Environment: DURATION (default 10s), CONNECTIONS (64), WRK_THREADS (2), ROUNDS (3), SERVER_THREADS (2),
#              ACCESS_LOG (false: both servers without per-request logging; true: both with it).
# Runs nginx and Starling alternately ROUNDS times and reports the median of each, because this machine
# is noisy; wrk, nginx and Starling share the same cores. Also reports each server's CPU time per request
# (user + system, from /proc), which other load on the machine disturbs far less than the rates.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/release/starling}")
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
ROUNDS=${ROUNDS:-3}
SERVER_THREADS=${SERVER_THREADS:-2}
ACCESS_LOG=${ACCESS_LOG:-false}

for tool in wrk nginx; do
  command -v $tool >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "missing $tool: run scripts/install-deps.sh" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d /tmp/starling-bench-XXXXXX)
cleanup() {
  [[ -n ${STARLING_PID:-} ]] && kill "$STARLING_PID" 2>/dev/null || true
  [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.2
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- nginx: same number of workers as Starling has threads, keep-alive without a request cap.
# nginx cannot listen on port 0, so try random ports until one binds (nginx exits non-zero if not).
if [[ $ACCESS_LOG == true ]]; then NGINX_LOG="access_log $WORK/access.log;"; else NGINX_LOG="access_log off;"; fi
write_nginx_conf() {  # $1: port
  cat >"$WORK/nginx.conf" <<CONF
worker_processes $SERVER_THREADS;
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  $NGINX_LOG
  keepalive_requests 10000000;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  fastcgi_temp_path $WORK/nginx-fastcgi;
  uwsgi_temp_path $WORK/nginx-uwsgi;
  scgi_temp_path $WORK/nginx-scgi;
  server {
    listen 127.0.0.1:$1;
    location / { return 204; }
  }
}
CONF
}
NGINX_PORT=
for _ in $(seq 20); do
  port=$((20000 + RANDOM % 40000))
  write_nginx_conf "$port"
  if "$NGINX" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" 2>>"$WORK/nginx-start.log"; then
    NGINX_PORT=$port
    break
  fi
done
[[ -n $NGINX_PORT ]] || { echo "nginx did not start:" >&2; cat "$WORK/nginx-start.log" >&2; exit 1; }

# --- Starling
# Access-log lines are logged at level info: with ACCESS_LOG=true, --log-level warn would drop them.
if [[ $ACCESS_LOG == true ]]; then LOG_LEVEL=info; else LOG_LEVEL=warn; fi
"$BIN" serve --listen 127.0.0.1:0 --data-dir "$WORK/data" --threads "$SERVER_THREADS" \
  --access-log "$ACCESS_LOG" --log-level "$LOG_LEVEL" >"$WORK/starling.out" 2>"$WORK/starling.err" &
STARLING_PID=$!
for _ in $(seq 200); do grep -q 'listening on' "$WORK/starling.out" 2>/dev/null && break; sleep 0.05; done
STARLING_URL=$(sed -n 's/^starling listening on //p' "$WORK/starling.out")
[[ -n $STARLING_URL ]] || { echo "starling did not start:"; cat "$WORK/starling.err"; exit 1; }
curl -sf "$STARLING_URL/healthz" >/dev/null
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/" | grep -q 204

CLK_TCK=$(getconf CLK_TCK)
nginx_workers() {  # children of the nginx master
  local master; master=$(cat "$WORK/nginx.pid")
  for stat in /proc/[0-9]*/stat; do awk -v m="$master" '$4 == m {print $1}' "$stat" 2>/dev/null || true; done
}
cpu_ticks() {  # user + system clock ticks of the given processes (all their threads)
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}
run_wrk() {  # $1 url, then server pids; prints requests/s; leaves p99 and CPU us/request in files
  local url=$1; shift
  local before; before=$(cpu_ticks "$@")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" >"$WORK/wrk.txt"
  local after; after=$(cpu_ticks "$@")
  grep -q 'Non-2xx' "$WORK/wrk.txt" && { echo "non-2xx responses from $url" >&2; cat "$WORK/wrk.txt" >&2; exit 1; }
  awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt"
  awk '/ 99%/ {print $2}' "$WORK/wrk.txt" >"$WORK/p99"
  awk -v ticks=$((after - before)) -v hz="$CLK_TCK" '/requests in/ {printf "%.2f\n", ticks / hz * 1e6 / $1}' \
    "$WORK/wrk.txt" >"$WORK/cpu"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; server threads/workers: $SERVER_THREADS; access log: $ACCESS_LOG"
wrk -t1 -c8 -d2s "$STARLING_URL/healthz" >/dev/null  # warm-up
wrk -t1 -c8 -d2s "http://127.0.0.1:$NGINX_PORT/" >/dev/null
NGINX_WORKERS=$(nginx_workers)
: >"$WORK/nginx.rates"; : >"$WORK/starling.rates"; : >"$WORK/nginx.cpu"; : >"$WORK/starling.cpu"
for round in $(seq "$ROUNDS"); do
  # shellcheck disable=SC2086 # one pid per worker
  n=$(run_wrk "http://127.0.0.1:$NGINX_PORT/" $NGINX_WORKERS); np99=$(cat "$WORK/p99"); ncpu=$(cat "$WORK/cpu")
  s=$(run_wrk "$STARLING_URL/healthz" "$STARLING_PID"); sp99=$(cat "$WORK/p99"); scpu=$(cat "$WORK/cpu")
  echo "$n" >>"$WORK/nginx.rates"; echo "$s" >>"$WORK/starling.rates"
  echo "$ncpu" >>"$WORK/nginx.cpu"; echo "$scpu" >>"$WORK/starling.cpu"
  printf 'round %d: nginx %10.0f req/s (p99 %s, %s us CPU/req)   starling %10.0f req/s (p99 %s, %s us CPU/req)\n' \
    "$round" "$n" "$np99" "$ncpu" "$s" "$sp99" "$scpu"
done
N=$(median <"$WORK/nginx.rates"); S=$(median <"$WORK/starling.rates")
NC=$(median <"$WORK/nginx.cpu"); SC=$(median <"$WORK/starling.cpu")
RSS=$(awk '/VmRSS/ {print $2" "$3}' /proc/$STARLING_PID/status)
printf 'median: nginx %.0f req/s, starling %.0f req/s, ratio starling/nginx = %.2f (target >= 0.80); starling RSS %s\n' \
  "$N" "$S" "$(awk -v s="$S" -v n="$N" 'BEGIN {print s / n}')" "$RSS"
printf 'median server CPU per request: nginx %s us, starling %s us (starling/nginx = %.2f)\n' \
  "$NC" "$SC" "$(awk -v s="$SC" -v n="$NC" 'BEGIN {print s / n}')"
