#!/usr/bin/env bash
# `make test`: set-up (idempotent), lint, then the whole test suite, leaving nothing
# behind: sandboxes are reclaimed, and the classroom registry is stopped again if
# this run had to start it. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
was_up=0  # the CLI's status verb needs only the standard library: no venv yet is fine
PYTHONPATH=. python3 -m kernel_helpers classroom status >/dev/null 2>&1 && was_up=1
cleanup() {
  "$PY" -m kernel_helpers clean >/dev/null 2>&1 || true
  if [ "$was_up" -eq 0 ]; then "$PY" -m kernel_helpers classroom down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
make --no-print-directory setup || exit 1
.venv/bin/ruff check kernel_helpers tests benchmarks || exit 1
"$PY" -m pytest --nbval "$@"
