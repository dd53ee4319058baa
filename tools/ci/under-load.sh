#!/usr/bin/env bash
# Runs a command while one busy loop per core runs beside it, as on a shared CI runner: a test that
# passes only on an idle machine fails here. The loops end with the command, however it ends.
#
#   tools/ci/under-load.sh npm test
#   tools/ci/under-load.sh tools/node/with-node.sh 24 npm test
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }
loops=()
stop_loops() { [ ${#loops[@]} -eq 0 ] || kill "${loops[@]}" 2>/dev/null || true; }
trap stop_loops EXIT
trap 'exit 130' INT TERM
for _ in $(seq "$(nproc)"); do
  # Exits by itself once this script is gone (its parent is then no longer this shell).
  bash -c 'parent=$1; while kill -0 "$parent" 2>/dev/null; do for _ in $(seq 100000); do :; done; done' busy-loop "$$" &
  loops+=($!)
done
echo "under-load: ${#loops[@]} busy loops beside: $*" >&2
"$@"
