#!/usr/bin/env bash
# `make record`: every notebook of both editions executed live (their stored outputs refreshed),
# and replay mode's recordings (notebooks/recordings/) rebuilt from them (scripts/recordings.py).
# Needs the classroom registry: started here if it is down, and stopped again afterwards if no
# one else uses it. Extra arguments: notebook names (e.g. 03_running_containers).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
was_up=1
"$PY" -m kernel_helpers classroom status >/dev/null 2>&1 || was_up=0
if [ "$was_up" -eq 0 ]; then
  "$PY" -m kernel_helpers classroom up
  trap '"$PY" -m kernel_helpers classroom down --if-unused || true' EXIT
fi
start=$SECONDS
for edition in en zh-CN; do
  "$PY" scripts/notebooks.py execute --edition "$edition" "$@"
done
"$PY" scripts/recordings.py stats
echo "make record: $((SECONDS - start)) s"
