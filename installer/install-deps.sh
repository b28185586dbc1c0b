#!/usr/bin/env bash
# Installs the Debian 12 packages Yika needs to build, test and run, skipping those present.
# Usage: installer/install-deps.sh [build|test]   (test adds what the test suite needs)
set -euo pipefail

mode="${1:-build}"
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libpoco-dev libsodium-dev libsqlite3-dev sqlite3
  libpq-dev  # issue 7: the PostgreSQL backend (libpq)
  libgtest-dev libgmock-dev libbenchmark-dev
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev
)
if [ "$mode" = "test" ]; then
  # clang and its runtime for the libFuzzer targets; lintian for the packaging test (issue 8).
  packages+=(clang libclang-rt-14-dev lintian)
  # A throwaway PostgreSQL 15 cluster (tests/support/pg_cluster.sh) and pgbench.
  packages+=(postgresql-15 postgresql-client-15)
  # The portal's browser test: headless Debian chromium driven by playwright-core (npm; it
  # needs Node.js 20 or later). npm ships with some nodejs builds (NodeSource): only added when
  # missing, since Debian's npm package conflicts with those.
  packages+=(chromium nodejs)
  if ! command -v npm >/dev/null; then packages+=(npm); fi
  # yika-admin's screenshots (docs/admin-gui-*.png) and its Chinese text on the offscreen
  # platform: a CJK font, else every Chinese glyph is a box.
  packages+=(fonts-noto-cjk)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
