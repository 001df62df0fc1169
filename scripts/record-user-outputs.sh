#!/usr/bin/env bash
# `make record-user` (root only): record the user-mode expected outputs of the notebooks
# (tests/data/user-mode-outputs/, see tests/mode_outputs.py) as an ORDINARY user made for the run.
#
#   record-user-outputs.sh [--user NAME] [-- PYTEST-ARGS ...]
#
# scripts/test-as-user.sh makes the account (default pc-recorder), clones the committed HEAD,
# builds its venv and runs, as that user, the kit's set-up and then nbval on every notebook
# with --record-user-outputs: each cell whose outputs differ from the stored (root) ones is
# written, sanitized, to a folder of this run. If no cell failed for another reason (an error,
# a timeout), that folder replaces tests/data/user-mode-outputs/. Then `git diff` shows what a
# user now sees otherwise. The account and everything it started are removed again.
set -uo pipefail
cd "$(dirname "$0")/.."
NAME=pc-recorder
if [ "${1:-}" = "--user" ]; then NAME=$2; shift 2; fi
[ "${1:-}" != "--" ] || shift
if [ "$(id -u)" -ne 0 ]; then
  echo "record-user: run it as root (it creates and removes a test account)" >&2; exit 2
fi
OUT=$(mktemp -d /var/tmp/pc-user-outputs.XXXXXX) || exit 1
trap 'rm -rf --one-file-system "$OUT"' EXIT
chmod 0777 "$OUT"  # the test account writes here; the files are read back, never executed
bash scripts/test-as-user.sh --user "$NAME" -- bash -c \
  'make --no-print-directory setup && .venv/bin/python -m pytest --nbval -p no:cacheprovider notebooks --record-user-outputs "$0" "$@"' \
  "$OUT" "$@"
rc=$?
if [ ! -f "$OUT/summary.json" ]; then
  echo "record-user: the run wrote no summary (exit $rc); nothing recorded, see test-artifacts/test-as-user-$NAME.log" >&2
  exit 1
fi
broken=$(python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["failed_otherwise"]))' "$OUT/summary.json")
if [ -n "$broken" ]; then
  echo "record-user: cells failed for another reason than their outputs; nothing recorded:" >&2
  echo "$broken" >&2
  exit 1
fi
DEST=tests/data/user-mode-outputs
rm -f "$DEST"/[0-9][0-9]_*.json "$DEST"/*/[0-9][0-9]_*.json  # each edition in a folder of its own
mkdir -p "$DEST"
for file in "$OUT"/[0-9][0-9]_*.json "$OUT"/*/[0-9][0-9]_*.json; do
  [ -f "$file" ] && [ ! -L "$file" ] || continue
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$file" || { echo "record-user: $file is not JSON" >&2; exit 1; }
  install -D -m 0644 "$file" "$DEST/${file#"$OUT"/}"
done
python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print("record-user: cells with user-mode outputs:", s["cells"], "total", sum(s["cells"].values()))' "$OUT/summary.json"
git status --short "$DEST"
