#!/usr/bin/env bash
# Benchmark: produce N cards (default 1,000,000) with `yikad produce` into a fresh data folder:
# numbers, PINs, PIN verification values, encrypted numbers, database rows and the sealed
# manufacturer file, durable (synchronous=FULL). Prints wall time, CPU time and peak memory,
# then runs `yikad verify`. Results go in docs/benchmarks.md.
# Usage: bench/produce_cards.sh [N] [build-dir]
set -euo pipefail
count="${1:-1000000}"
build="${2:-build}"
yikad="$build/server/yikad"
[ -x "$yikad" ] || { echo "build first: ./dev.sh run (or cmake --build $build)" >&2; exit 2; }
data="$(mktemp -d /tmp/yika-bench.XXXXXX)"
trap 'rm -rf "$data"' EXIT

"$yikad" init --data "$data" --demo >/dev/null
[ -n "${CHUNK:-}" ] && sed -i "s/^batch.chunk_cards = .*/batch.chunk_cards = $CHUNK/" "$data/yikad.properties"
/usr/bin/time -f 'wall %e s, user %U s, sys %S s, peak RSS %M KiB' \
  "$yikad" produce --data "$data" --product GIFT-ANON --count "$count" --location HQ \
    --requested-by alice --approved-by bob 2>"$data/time.txt" >"$data/out.txt" || {
  cat "$data/time.txt" >&2; exit 1; }
grep -v '^\[' "$data/time.txt" | tail -1 | sed "s/^/produce $count cards: /"
cat "$data/out.txt"
echo "database: $(du -h "$data/yika.db" | cut -f1), sealed file: $(du -h "$data"/exports/batch-4.sealed | cut -f1)"
/usr/bin/time -f 'verify: wall %e s, peak RSS %M KiB' "$yikad" verify --data "$data"
