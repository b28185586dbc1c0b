#!/usr/bin/env bash
# The two commands of the README:
#   ./dev.sh run    install what is missing, build, create ./data with demo data (first time),
#                   verify the ledger, and start yikad
#   ./dev.sh test   install what is missing, build twice (optimised, and ASan+UBSan), run every
#                   test in both builds, plus the bounded fuzz runs
set -euo pipefail
cd "$(dirname "$0")"
root="$PWD"
jobs="$(nproc)"
export CCACHE_DIR="${CCACHE_DIR:-$root/.cache/ccache}"

build() {  # build <dir> [cmake args...]
  local dir="$1"; shift
  cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
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
    echo
    echo "data folder:    $data (database yika.db, keys/yika.keys, yikad.properties)"
    echo "sealed files:   $data/exports/"
    echo "produce cards:  build/server/yikad produce --data $data --product GIFT-ANON --count 1000 --location HQ --requested-by alice --approved-by bob --receive"
    ;;
  test)
    installer/install-deps.sh test
    build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    (cd build && ctest --output-on-failure -j "$jobs")
    build build-asan -DCMAKE_BUILD_TYPE=Debug -DYIKA_SANITIZE=ON -DYIKA_BUILD_BENCH=OFF
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --output-on-failure -j "$jobs")
    if [ -d terminal_api/iso8583/fuzz ]; then
      CC=clang CXX=clang++ build build-fuzz -DYIKA_FUZZ=ON -DYIKA_BUILD_BENCH=OFF -DYIKA_BUILD_TESTS=ON
      (cd build-fuzz && ctest --output-on-failure -R fuzz)
    fi
    ;;
  *)
    echo "usage: ./dev.sh run | test" >&2
    exit 2
    ;;
esac
