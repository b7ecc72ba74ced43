#!/usr/bin/env bash
# The main job as it exists today, on a throwaway CONET_HOME: what conet is linked against.
set -euo pipefail
CONET=${CONET:-.build/debug/conet}
export CONET_HOME=$(mktemp -d)
trap 'rm -rf "$CONET_HOME"' EXIT

echo "== conet --version --json"
"$CONET" --version --json
