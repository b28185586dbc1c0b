#!/usr/bin/env bash
# Purchases per second on PostgreSQL with one and with two yikad nodes (issue 7), next to the
# same load on the embedded SQLite store.
#
#   bench/pg_nodes.sh [build-dir]
#
# Settings (environment): CARDS (100000), DURATION (20 seconds), TERMINALS (40, split between the
# nodes), INFLIGHT (4), BATCH (writer.batch_ops_max, 256), SKIP_SQLITE=1. PostgreSQL 15 is a
# throwaway local cluster (tests/support/pg_cluster.sh) on a Unix socket, durable: fsync=on,
# synchronous_commit=on. Each node gets its own yika-term load generator on its own terminals;
# the two-node figure is the sum. `yikad verify` runs after each load.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
cards="${CARDS:-100000}"
seconds="${DURATION:-20}"
terminals="${TERMINALS:-40}"
inflight="${INFLIGHT:-4}"
batch="${BATCH:-256}"
work="$(mktemp -d /tmp/yika-pgbench.XXXXXX)"
chmod 755 "$work"  # the cluster inside may run as another user (pg_cluster.sh)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  tests/support/pg_cluster.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
yikad="$build/server/yikad"
term="$build/terminal_api/term/yika-term"

# serve DATA LOG: starts a node on free ports; prints its ISO 8583 port.
serve() {
  YIKA_WRITER_BATCH_OPS_MAX="$batch" "$yikad" serve --data "$1" --pos-port 0 --http-port 0 \
    --ops-port 0 --portal-port 0 --admin-port 0 >"$2" 2>&1 &
  pids+=($!)
  local port=""
  for _ in $(seq 1 600); do  # up to 60 s for the listener line
    port="$(sed -n 's/.*ISO 8583 terminal port: [0-9.]*:\([0-9]*\).*/\1/p' "$2")"
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$2" >&2; exit 1; }
  echo "$port"
}
stop_nodes() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done
  pids=()
}
# load PORT TERMINALS_CSV CONNECTIONS OUT
load() {
  "$term" load --port "$1" --terminals "$2" --cards "$data/demo/bench-cards.csv" \
    --connections "$3" --inflight "$inflight" --duration "$seconds" >"$4"
}
tps() { sed -n 's/^throughput *\([0-9.]*\) approved.*/\1/p' "$1"; }

setup() {  # setup DATA
  "$yikad" init --data "$1" --demo >/dev/null
  "$yikad" bench-setup --data "$1" --cards "$cards" --terminals "$terminals" >/dev/null
  head -n $((terminals / 2)) "$1/demo/bench-terminals.csv" >"$work/terminals-a.csv"
  tail -n +$((terminals / 2 + 1)) "$1/demo/bench-terminals.csv" >"$work/terminals-b.csv"
}

sqlite_tps=""
if [ -z "${SKIP_SQLITE:-}" ]; then
  data="$work/sqlite"
  setup "$data"
  port="$(serve "$data" "$work/sqlite.log")"
  load "$port" "$data/demo/bench-terminals.csv" "$terminals" "$work/load-sqlite.txt"
  stop_nodes
  "$yikad" verify --data "$data" | tail -1
  sqlite_tps="$(tps "$work/load-sqlite.txt")"
  echo "SQLite, one node: $sqlite_tps purchases/s"
fi

tests/support/pg_cluster.sh start "$work/pg" shared_buffers=512MB fsync=on synchronous_commit=on \
  max_connections=200 deadlock_timeout=100ms >/dev/null
export YIKA_DB_ENGINE=postgresql
export YIKA_DB_URL="postgresql://yika@/postgres?host=$work/pg"

data="$work/pg-one"
psql -q "$YIKA_DB_URL" -c "CREATE SCHEMA one" >/dev/null
YIKA_DB_URL="$YIKA_DB_URL&options=-csearch_path%3Done" setup "$data"
port="$(YIKA_DB_URL="$YIKA_DB_URL&options=-csearch_path%3Done" serve "$data" "$work/one.log")"
load "$port" "$data/demo/bench-terminals.csv" "$terminals" "$work/load-one.txt"
stop_nodes
YIKA_DB_URL="$YIKA_DB_URL&options=-csearch_path%3Done" "$yikad" verify --data "$data" | tail -1
one_tps="$(tps "$work/load-one.txt")"
echo "PostgreSQL, one node: $one_tps purchases/s"

data="$work/pg-two"
psql -q "$YIKA_DB_URL" -c "CREATE SCHEMA two" >/dev/null
export YIKA_DB_URL="$YIKA_DB_URL&options=-csearch_path%3Dtwo"
setup "$data"
port_a="$(serve "$data" "$work/a.log")"
port_b="$(serve "$data" "$work/b.log")"
load "$port_a" "$work/terminals-a.csv" $((terminals / 2)) "$work/load-a.txt" &
load_a=$!
load "$port_b" "$work/terminals-b.csv" $((terminals - terminals / 2)) "$work/load-b.txt"
wait "$load_a"
stop_nodes
"$yikad" verify --data "$data" | tail -1
a_tps="$(tps "$work/load-a.txt")"
b_tps="$(tps "$work/load-b.txt")"
two_tps="$(awk -v a="$a_tps" -v b="$b_tps" 'BEGIN { printf "%.0f", a + b }')"
echo "PostgreSQL, two nodes: $two_tps purchases/s ($a_tps + $b_tps)"
echo
echo "| store | nodes | purchases/s |"
echo "|---|---|---|"
[ -n "$sqlite_tps" ] && echo "| SQLite | 1 | $sqlite_tps |"
echo "| PostgreSQL 15 | 1 | $one_tps |"
echo "| PostgreSQL 15 | 2 | $two_tps |"
