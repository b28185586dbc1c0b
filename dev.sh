#!/usr/bin/env bash
# The two commands of the README:
#   ./dev.sh run    install what is missing, build, create ./data with demo data (first time),
#                   verify the ledger, and start yikad
#   ./dev.sh test   install what is missing, check formatting, build twice (optimised, and
#                   ASan+UBSan), run every test in both builds, plus the bounded fuzz runs
#   ./dev.sh lint   formatting check (clang-format) and clang-tidy on the changed files
set -euo pipefail
cd "$(dirname "$0")"
root="$PWD"
jobs="$(nproc)"
# ccache outside the checkout, keyed on paths relative to it, so that a fresh clone (CI) reuses
# what earlier builds on this machine compiled.
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/yika-ccache}"
export CCACHE_BASEDIR="$root"
export CCACHE_NOHASHDIR=true

build() {  # build <dir> [cmake args...]
  local dir="$1"; shift
  cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

format_check() {
  # Every C++ file in the repository must be clang-format clean (.clang-format).
  git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror
}

case "${1:-}" in
  run)
    installer/install-deps.sh build
    build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYIKA_BUILD_TESTS=OFF
    data="${YIKA_DATA:-$root/data}"
    if [ ! -f "$data/yika.db" ]; then
      build/server/yikad init --data "$data" --demo
    fi
    build/server/yikad verify --data "$data"
    port="$(sed -n 's/^pos.port *= *//p' "$data/yikad.properties")"
    # The commands read the demo terminal key and card from the demo files when pasted, so that
    # no PIN or key is printed.
    t="$data/demo/terminals.csv"
    c="$data/demo/cards.csv"
    term="build/terminal_api/term/yika-term --port ${port:-5858} --tid \$(cut -d, -f1 $t | head -1) --mid \$(cut -d, -f2 $t | head -1) --tmk \$(cut -d, -f3 $t | head -1)"
    cat <<INFO

data folder:      $data (database yika.db, keys/yika.keys, yikad.properties)
demo-only files:  $t (terminal keys), $c (card numbers, PINs)
try a terminal:   $term sign-on
                  $term purchase --pan \$(cut -d, -f1 $c | head -1) --amount 12.50
                  $term balance --pan \$(cut -d, -f1 $c | head -1) --pin \$(cut -d, -f2 $c | head -1)
load test:        build/terminal_api/term/yika-term load --port ${port:-5858} --terminals $t --cards $c --connections 4 --duration 5
check the books:  build/server/yikad verify --data $data
health, metrics:  curl -s http://127.0.0.1:8489/readyz; curl -s http://127.0.0.1:8489/metrics
cardholder portal: http://127.0.0.1:8482/ (register, bind a card from $c, pay a shop order;
                  the demo web shop's key is in $data/demo/shop.csv, docs/portal-api.md)
admin API:        http://127.0.0.1:8481/v1/ (docs/admin-api.md; operator "admin", whose one-time
                  password yikad init printed above when it created $data; lost it? remove
                  $data to start again)
back office (Qt): build/admin_gui/yika-admin  (log in to http://127.0.0.1:8481 as admin;
                  docs/admin-gui.md)
day close:        build/server/yikad day status --data $data (docs/day-close.md)

INFO
    exec build/server/yikad serve --data "$data"
    ;;
  test)
    pg_under_asan='^pg\.(SqliteStoreTxTest|CommitQueueTest|ReaderPoolTest|Invariants|Randomized|Spending|Sales|CardLife|Issuance|OnlinePayment|SettlementTest|DayCloseTest|MultiNodePg)\.'
    installer/install-deps.sh test
    format_check
    build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    (cd build && ctest --output-on-failure -j "$jobs")
    build build-asan -DCMAKE_BUILD_TYPE=Debug -DYIKA_SANITIZE=ON -DYIKA_BUILD_BENCH=OFF
    # Under the sanitizers: every SQLite test, and on PostgreSQL the store-level tests (the libpq
    # driver and the adapters' rewritten SQL under ASan); the end-to-end PostgreSQL variants ran
    # in the optimised build above and would take most of an hour here.
    (cd build-asan && export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 &&
        ctest --output-on-failure -j "$jobs" -LE pg &&
        ctest --output-on-failure -j "$jobs" -L pg -R "$pg_under_asan")
    # Only the fuzz targets are built with clang (the other tests ran above); each runs for a
    # bounded time on a copy of its seed corpus (tests/support/run_fuzz.cmake).
    fuzzers=(iso8583_fuzz json_request_fuzz admin_json_fuzz csv_import_fuzz)
    CC=clang CXX=clang++ cmake -S "$root" -B build-fuzz -G Ninja -DYIKA_FUZZ=ON -DYIKA_BUILD_BENCH=OFF >/dev/null
    cmake --build build-fuzz -j "$jobs" --target "${fuzzers[@]}"
    (cd build-fuzz && ctest --output-on-failure -R '_fuzz_bounded$')
    ;;
  lint)
    format_check
    cmake -S "$root" -B build -G Ninja >/dev/null
    git diff --name-only HEAD~1 -- '*.cpp' | xargs -r clang-tidy -p build --quiet
    ;;
  *)
    echo "usage: ./dev.sh run | test | lint" >&2
    exit 2
    ;;
esac
