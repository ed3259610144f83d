#!/usr/bin/env bash
# Bundles the demo page (src/app.js with mediasoup-client) into <output dir>/app.js with esbuild.
# Maven runs it in generate-resources: orchestrator-stub/web/build.sh <output dir> <require tools>.
# Without node/npm the bundle is skipped with a message, unless <require tools> is true. npm only
# runs when node_modules is missing or older than package-lock.json (so an offline build works
# once the packages are installed).
set -euo pipefail
cd "$(dirname "$0")"
out=${1:?usage: build.sh <output dir> [require tools: true|false]}
require=${2:-false}

skip() {
  if [ "$require" = true ]; then
    echo "sluice: $1" >&2
    exit 1
  fi
  echo "sluice: $1; the demo page is built without app.js (set up node and npm, then rebuild)" >&2
  exit 0
}

command -v node >/dev/null 2>&1 || skip "node is missing (apt-get install nodejs)"
command -v npm >/dev/null 2>&1 || skip "npm is missing (apt-get install npm)"
if [ ! -x node_modules/.bin/esbuild ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || skip "npm ci failed (offline? run it once with network: cd orchestrator-stub/web && npm ci)"
fi
mkdir -p "$out"
node_modules/.bin/esbuild src/app.js --bundle --format=iife --target=chrome111 --log-level=warning \
  --outfile="$out/app.js"
