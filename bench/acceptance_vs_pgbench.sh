#!/usr/bin/env bash
# Acceptance throughput (issue 3): Yika's ISO 8583 purchases against the same purchase run by
# pgbench on a throwaway local PostgreSQL 15, as plain SQL and as one PL/pgSQL function call.
#
#   bench/acceptance_vs_pgbench.sh [build-dir]
#
# Settings (environment): CARDS (1000000), DURATION (20 seconds), TERMINALS (50), INFLIGHT (4),
# PG_CLIENTS (32), SKIP_YIKA=1 or SKIP_PG=1 to run one side only. Everything runs on loopback
# (PostgreSQL on a Unix socket), durable on both sides: Yika synchronous=FULL, PostgreSQL
# fsync=on and synchronous_commit=on. Prints each side's figures and the ratios.
#
# The purchase is the same on both sides: read the card, check state and balance, debit it,
# insert the transaction (with a unique idempotency key) and its two journal lines, commit.
# Yika does more on top (MAC check, daily limits, the ISO 8583 frames over TCP); PostgreSQL gets
# its requests over a Unix socket from pgbench.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
cards="${CARDS:-1000000}"
seconds="${DURATION:-20}"
terminals="${TERMINALS:-50}"
inflight="${INFLIGHT:-4}"
pg_clients="${PG_CLIENTS:-32}"
work="$(mktemp -d /tmp/yika-bench.XXXXXX)"
chmod 755 "$work"  # the PostgreSQL cluster inside may run as another user (pg_cluster.sh)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  tests/support/pg_cluster.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

yika_tps=""
if [ -z "${SKIP_YIKA:-}" ]; then
  echo "== Yika: $cards cards, $terminals terminals x $inflight in flight, ${seconds}s"
  data="$work/data"
  "$build/server/yikad" init --data "$data" --demo >/dev/null
  /usr/bin/time -f "bench-setup: %e s, peak RSS %M KiB" \
    "$build/server/yikad" bench-setup --data "$data" --cards "$cards" --terminals "$terminals" >/dev/null
  "$build/server/yikad" serve --data "$data" --pos-port 0 --http-port 0 >"$work/serve.log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 1 600); do  # wait up to 60 s for the listener line, polling the log
    port="$(sed -n 's/.*ISO 8583 terminal port: [0-9.]*:\([0-9]*\).*/\1/p' "$work/serve.log")"
    [ -n "$port" ] && break
    kill -0 "$server_pid" || { cat "$work/serve.log"; exit 1; }
    sleep 0.1
  done
  rss_before="$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status)"
  "$build/terminal_api/term/yika-term" load --port "$port" \
    --terminals "$data/demo/bench-terminals.csv" --cards "$data/demo/bench-cards.csv" \
    --connections "$terminals" --inflight "$inflight" --duration "$seconds" | tee "$work/load.txt"
  rss="$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status)"
  hwm="$(awk '/VmHWM/ {print $2}' /proc/$server_pid/status)"
  echo "yikad resident: $((rss_before / 1024)) MiB before the load, $((rss / 1024)) MiB after, peak $((hwm / 1024)) MiB"
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  "$build/server/yikad" verify --data "$data" | tail -1
  yika_tps="$(sed -n 's/^throughput *\([0-9.]*\) approved.*/\1/p' "$work/load.txt")"
fi

plain_tps=""; func_tps=""
if [ -z "${SKIP_PG:-}" ]; then
  echo "== PostgreSQL 15 (pgbench): $cards cards, $pg_clients clients, ${seconds}s"
  tests/support/pg_cluster.sh start "$work/pg" shared_buffers=512MB fsync=on \
    synchronous_commit=on max_connections=100 max_wal_size=4GB >/dev/null
  export PGHOST="$work/pg" PGUSER=yika PGDATABASE=postgres
  psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE card (id bigint PRIMARY KEY, state text NOT NULL, balance_minor bigint NOT NULL);
CREATE TABLE card_txn (id bigserial PRIMARY KEY, card_id bigint NOT NULL, kind text NOT NULL,
  amount_minor bigint NOT NULL, merchant_id bigint NOT NULL, idem_key text NOT NULL UNIQUE,
  at timestamptz NOT NULL DEFAULT now());
CREATE TABLE journal_line (entry_id bigint NOT NULL, account text NOT NULL, card_id bigint,
  merchant_id bigint, debit_minor bigint NOT NULL, credit_minor bigint NOT NULL);
INSERT INTO card SELECT g, 'ACTIVE', 500000 FROM generate_series(1, $cards) g;
VACUUM ANALYZE card;
CREATE FUNCTION purchase(p_card bigint, p_amount bigint, p_key text) RETURNS bigint
LANGUAGE plpgsql AS \$\$
DECLARE b bigint; s text; t bigint;
BEGIN
  SELECT balance_minor, state INTO b, s FROM card WHERE id = p_card FOR UPDATE;
  IF s <> 'ACTIVE' OR b < p_amount THEN RETURN -1; END IF;
  UPDATE card SET balance_minor = b - p_amount WHERE id = p_card;
  INSERT INTO card_txn (card_id, kind, amount_minor, merchant_id, idem_key)
    VALUES (p_card, 'purchase', p_amount, 1, p_key) RETURNING id INTO t;
  INSERT INTO journal_line VALUES (t, '2201', p_card, NULL, p_amount, 0),
                                  (t, '2202', NULL, 1, 0, p_amount);
  RETURN t;
END \$\$;
SQL
  cat >"$work/plain.sql" <<SQL
\set card random(1, $cards)
\set amount random(100, 1000)
\set key random(1, 1000000000000)
BEGIN;
SELECT balance_minor, state FROM card WHERE id = :card FOR UPDATE;
UPDATE card SET balance_minor = balance_minor - :amount WHERE id = :card AND state = 'ACTIVE' AND balance_minor >= :amount;
INSERT INTO card_txn (card_id, kind, amount_minor, merchant_id, idem_key) VALUES (:card, 'purchase', :amount, 1, :client_id || '-' || :key);
INSERT INTO journal_line VALUES (currval('card_txn_id_seq'), '2201', :card, NULL, :amount, 0), (currval('card_txn_id_seq'), '2202', NULL, 1, 0, :amount);
COMMIT;
SQL
  cat >"$work/function.sql" <<SQL
\set card random(1, $cards)
\set amount random(100, 1000)
\set key random(1, 1000000000000)
SELECT purchase(:card, :amount, :client_id || '-' || :key);
SQL
  run_pgbench() {
    pgbench -n -M prepared -c "$pg_clients" -j 2 -T "$seconds" -f "$1" 2>&1 |
      tee "$work/pgbench.txt" | grep -E "^(tps|latency|number of failed)" >&2
    sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.txt"
  }
  echo "-- plain SQL (5 statements in a transaction)"
  plain_tps="$(run_pgbench "$work/plain.sql")"
  echo "-- one PL/pgSQL function call"
  func_tps="$(run_pgbench "$work/function.sql")"
  echo "plain: $plain_tps tps, function: $func_tps tps"
fi

if [ -n "$yika_tps" ] && [ -n "$plain_tps" ]; then
  awk -v y="$yika_tps" -v p="$plain_tps" -v f="$func_tps" 'BEGIN {
    printf "Yika %.0f/s; PostgreSQL plain SQL %.0f/s (Yika x%.2f), PL/pgSQL function %.0f/s (Yika x%.2f)\n",
      y, p, y / p, f, y / f }'
fi
