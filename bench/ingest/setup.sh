# Shared by the ingestion benchmark scripts (sourced after bench/lib.sh, which sets BIN, WORK and the
# server helpers): one store, its visitors, and Starling's CPU split by thread.
#
#   setup_store DATA_DIR      creates a user, an organization and a store; exports TOKEN
#   warm_up URL               creates the CONTACTS visitors (below); prints how long it took
#   thread_ticks              "io commit checkpoint" clock ticks of $STARLING_PID's threads so far

setup_store() {
  local data=$1 org
  echo "bench-password" | "$BIN" user create --email bench@bench.example --password-stdin --data-dir "$data" >/dev/null
  org=$("$BIN" org create --name Bench --owner bench@bench.example --data-dir "$data" | sed -E 's/.*"id":([0-9]+).*/\1/')
  TOKEN=$("$BIN" store create --org "$org" --name Bench --url https://shop.example --data-dir "$data" |
    sed -E 's/.*"tracking_token":"([^"]+)".*/\1/')
  export TOKEN
}

# Every visitor exists before the measured runs, as the measured requests will find it (Segment
# batches of 500 identify calls; the visitors' tracker ids are the anonymousIds; the even ones, whose
# requests carry an email and a name, are identified with them), so that every round measures the same
# steady state of returning visitors rather than a first round full of identifications.
warm_up() {
  local url=$1 auth
  local start first
  start=$(date +%s.%N)
  auth=$(printf '%s:' "$TOKEN" | base64 -w0)
  for ((first = 0; first < CONTACTS; first += 500)); do
    awk -v first="$first" -v last="$((first + 500 < CONTACTS ? first + 500 : CONTACTS))" 'BEGIN {
      printf "{\"batch\":["
      for (c = first; c < last; c++) {
        if (c > first) printf ","
        if (c % 2 == 0) {
          printf "{\"type\":\"identify\",\"anonymousId\":\"bench-visitor-%08d\",\"userId\":\"customer%d@bench.example\",\"traits\":{\"segment\":\"%s\",\"firstName\":\"Name%d\"}}", c, c, (c % 3 ? "b" : "a"), c
        } else {
          printf "{\"type\":\"identify\",\"anonymousId\":\"bench-visitor-%08d\",\"traits\":{\"segment\":\"%s\"}}", c, (c % 3 ? "b" : "a")
        }
      }
      printf "]}"
    }' >"$WORK/warmup.json"
    curl -sf -o /dev/null -H "Authorization: Basic $auth" -H 'Content-Type: application/json' \
      --data-binary @"$WORK/warmup.json" "$url/v1/batch" || { echo "warm-up failed at visitor $first" >&2; exit 1; }
  done
  echo "warm-up: $CONTACTS visitors created in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')s"
}

# The HTTP I/O threads (which also parse and apply requests), the group committer, the WAL checkpointer.
thread_ticks() {
  local t
  for t in /proc/"$STARLING_PID"/task/*; do
    echo "$(cat "$t/comm" 2>/dev/null) $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
  done | awk '$1 ~ /^http-io/ {io += $2} $1 == "db-commit" {c += $2} $1 == "db-checkpoint" {k += $2} END {print io + 0, c + 0, k + 0}'
}
