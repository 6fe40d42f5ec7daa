# Shared plumbing of the benchmark scripts (sourced, not run): a scratch directory, nginx returning
# 204 as the baseline, a Starling server, CPU time of processes, medians.
#
# Before sourcing, set SERVER_THREADS (nginx workers = Starling I/O threads). After sourcing:
#   WORK                 scratch directory, removed on exit with both servers
#   start_nginx [log]    starts nginx (access log on when `log` is "true"); sets NGINX_PORT
#   start_starling DATA_DIR [serve flags…]   sets STARLING_PID and STARLING_URL
#   cpu_ticks PID…       user + system clock ticks of the processes (all their threads)
#   nginx_pids           the nginx worker processes
#   median               median of the numbers on stdin

for tool in wrk nginx awk curl; do
  command -v $tool >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "missing $tool: run scripts/install-deps.sh" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
CLK_TCK=$(getconf CLK_TCK)

WORK=$(mktemp -d /tmp/starling-bench-XXXXXX)
bench_cleanup() {
  [[ -n ${STARLING_PID:-} ]] && kill "$STARLING_PID" 2>/dev/null || true
  [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$WORK"
}
trap bench_cleanup EXIT

# nginx cannot listen on port 0, so try random ports until one binds (nginx exits non-zero if not).
start_nginx() {
  local log=${1:-false} nginx_log port
  if [[ $log == true ]]; then nginx_log="access_log $WORK/access.log;"; else nginx_log="access_log off;"; fi
  NGINX_PORT=
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    cat >"$WORK/nginx.conf" <<CONF
worker_processes $SERVER_THREADS;
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  $nginx_log
  keepalive_requests 10000000;
  client_body_buffer_size 1m;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  fastcgi_temp_path $WORK/nginx-fastcgi;
  uwsgi_temp_path $WORK/nginx-uwsgi;
  scgi_temp_path $WORK/nginx-scgi;
  server { listen 127.0.0.1:$port; location / { return 204; } }
}
CONF
    if "$NGINX" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" 2>>"$WORK/nginx-start.log"; then
      NGINX_PORT=$port
      break
    fi
  done
  [[ -n $NGINX_PORT ]] || { echo "nginx did not start:" >&2; cat "$WORK/nginx-start.log" >&2; exit 1; }
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/" | grep -q 204
}

start_starling() {  # data_dir, then extra `serve` flags
  local data=$1
  shift
  "$BIN" serve --listen 127.0.0.1:0 --data-dir "$data" --threads "$SERVER_THREADS" "$@" \
    >"$WORK/starling.out" 2>"$WORK/starling.err" &
  STARLING_PID=$!
  for _ in $(seq 200); do grep -q 'listening on' "$WORK/starling.out" 2>/dev/null && break; sleep 0.05; done
  STARLING_URL=$(sed -n 's/^starling listening on //p' "$WORK/starling.out")
  [[ -n $STARLING_URL ]] || { echo "starling did not start:" >&2; cat "$WORK/starling.err" >&2; exit 1; }
}

cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}

nginx_pids() {
  local master; master=$(cat "$WORK/nginx.pid")
  for stat in /proc/[0-9]*/stat; do awk -v m="$master" '$4 == m {print $1}' "$stat" 2>/dev/null || true; done
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
