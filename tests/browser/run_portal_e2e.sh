#!/usr/bin/env bash
# ctest driver of the portal browser test: installs playwright-core (pinned by package-lock.json)
# into the build tree with `npm ci`, offline-first from the npm cache (~/.npm), then runs
# portal_e2e.mjs there. Node.js, npm and /usr/bin/chromium come from `installer/install-deps.sh
# test`; without them the test fails (it is never skipped).
# Usage: run_portal_e2e.sh SOURCE_DIR WORK_DIR YIKAD [SCREENSHOT_DIR]
set -euo pipefail
src="$1"; work="$2"; yikad="$3"; shots="${4:-}"
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [ ! -x /usr/bin/chromium ]; then
  echo "portal e2e cannot run: needs node, npm and /usr/bin/chromium (installer/install-deps.sh test)" >&2
  exit 1
fi
mkdir -p "$work"
cp "$src/package.json" "$src/package-lock.json" "$src/portal_e2e.mjs" "$work/"
if ! cmp -s "$src/package-lock.json" "$work/node_modules/.yika-lock" 2>/dev/null; then
  (cd "$work" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  cp "$src/package-lock.json" "$work/node_modules/.yika-lock"
fi
cd "$work"
exec node portal_e2e.mjs "$yikad" $shots
